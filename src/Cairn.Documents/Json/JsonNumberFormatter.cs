using System.Globalization;

namespace Cairn.Documents.Json;

/// <summary>
/// Formats doubles the way serde_json (ryu) does, because RedisJSON replies carry that text: shortest round-trip digits,
/// "1.0" for integral values, exponent form "1e20" / "1.5e-7" outside the decimal window.
/// </summary>
internal static class JsonNumberFormatter
{
    public static string FormatDouble(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = shortest[0] == '-';
        string body = negative ? shortest[1..] : shortest;
        int exponent = 0;
        int e = body.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(body.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }
        int dot = body.IndexOf('.', StringComparison.Ordinal);
        string integerPart = dot < 0 ? body : body[..dot];
        string fractionPart = dot < 0 ? "" : body[(dot + 1)..];
        string digits = integerPart + fractionPart;
        int point = integerPart.Length + exponent;
        int leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }
        digits = digits[leading..];
        point -= leading;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        int length = digits.Length;
        int lastDigitExponent = point - length;
        var builder = new System.Text.StringBuilder(32);
        if (negative)
        {
            builder.Append('-');
        }
        if (lastDigitExponent >= 0 && point <= 16)
        {
            builder.Append(digits).Append('0', lastDigitExponent).Append(".0");
        }
        else if (point > 0 && point <= 16)
        {
            builder.Append(digits, 0, point).Append('.').Append(digits, point, length - point);
        }
        else if (point > -5 && point <= 0)
        {
            builder.Append("0.").Append('0', -point).Append(digits);
        }
        else if (length == 1)
        {
            builder.Append(digits).Append('e').Append((point - 1).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append(digits[0]).Append('.').Append(digits, 1, length - 1).Append('e')
                .Append((point - 1).ToString(CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
