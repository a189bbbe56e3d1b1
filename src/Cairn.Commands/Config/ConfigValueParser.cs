using System.Globalization;

namespace Cairn.Commands.Config;

/// <summary>Parses configuration values as Redis does (memtoull units, yes/no booleans).</summary>
public static class ConfigValueParser
{
    /// <summary>"1gb", "512mb", "100k", "42": k/m/g are powers of 1000, kb/mb/gb powers of 1024 (Redis's memtoull).</summary>
    public static bool TryParseMemory(string text, out long bytes)
    {
        bytes = 0;
        string lower = text.Trim().ToLowerInvariant();
        long multiplier = 1;
        string digits = lower;
        (string suffix, long factor)[] units = [("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1)];
        foreach ((string suffix, long factor) in units)
        {
            if (lower.EndsWith(suffix, StringComparison.Ordinal))
            {
                multiplier = factor;
                digits = lower[..^suffix.Length];
                break;
            }
        }
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < 0)
        {
            return false;
        }
        try
        {
            bytes = checked(value * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "yes":
                value = true;
                return true;
            case "no":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static string FormatBool(bool value) => value ? "yes" : "no";
}
