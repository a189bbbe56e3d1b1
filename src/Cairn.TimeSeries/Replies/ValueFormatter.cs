using System.Globalization;

namespace Cairn.TimeSeries.Replies;

/// <summary>
/// Formats sample values as RedisTimeSeries does in RESP2 replies: C's <c>printf("%.15g")</c>, so 1.5 -> "1.5",
/// 1e20 -> "1e+20", 0.00001 -> "1e-05", -0.0 -> "-0", infinities -> "inf"/"-inf", NaN -> "nan".
/// </summary>
public static class ValueFormatter
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        string text = value.ToString("G15", CultureInfo.InvariantCulture);
        int exponent = text.IndexOf('E', StringComparison.Ordinal);
        if (exponent < 0)
        {
            return text;
        }
        // .NET writes E+20 / E-05 and C writes e+20 / e-05 (sign always, at least two digits).
        string mantissa = text[..exponent];
        char sign = text[exponent + 1];
        string digits = text[(exponent + 2)..].TrimStart('0');
        if (digits.Length < 2)
        {
            digits = digits.PadLeft(2, '0');
        }
        return mantissa + "e" + sign + digits;
    }
}
