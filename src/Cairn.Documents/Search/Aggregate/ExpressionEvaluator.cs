using System.Globalization;

namespace Cairn.Documents.Search.Aggregate;

/// <summary>Evaluates expressions over a row. Values are double, string or null; comparisons yield 1 or 0.</summary>
internal static class ExpressionEvaluator
{
    public static object? Evaluate(ExpressionNode node, Func<string, object?> field)
    {
        switch (node.Kind)
        {
            case 'n':
                return node.Number;
            case 's':
                return node.Text;
            case 'f':
                return field(node.Text);
            case 'u':
            {
                var value = Evaluate(node.Arguments[0], field);
                return node.Operator == "!" ? (IsTrue(value) ? 0.0 : 1.0) : -(ToNumber(value) ?? double.NaN);
            }
            case 'b':
                return Binary(node.Operator, Evaluate(node.Arguments[0], field), Evaluate(node.Arguments[1], field));
            default:
                return Call(node, field);
        }
    }

    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    public static double? ToNumber(object? value) => value switch
    {
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        _ => null,
    };

    private static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "&&":
                return IsTrue(left) && IsTrue(right) ? 1.0 : 0.0;
            case "||":
                return IsTrue(left) || IsTrue(right) ? 1.0 : 0.0;
            case "==":
            case "!=":
            case "<":
            case "<=":
            case ">":
            case ">=":
            {
                int order = Compare(left, right);
                bool result = op switch
                {
                    "==" => order == 0,
                    "!=" => order != 0,
                    "<" => order < 0,
                    "<=" => order <= 0,
                    ">" => order > 0,
                    _ => order >= 0,
                };
                return result ? 1.0 : 0.0;
            }
        }
        double? a = ToNumber(left);
        double? b = ToNumber(right);
        if (a is null || b is null)
        {
            return null;
        }
        return op switch
        {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => a / b,
            "%" => (double)((long)a.Value % (long)(b.Value == 0 ? 1 : b.Value)),
            _ => Math.Pow(a.Value, b.Value),
        };
    }

    public static int Compare(object? left, object? right)
    {
        if (left is null || right is null)
        {
            return (left is null).CompareTo(right is null) * -1;
        }
        double? a = ToNumber(left);
        double? b = ToNumber(right);
        if (a is not null && b is not null && (left is double || right is double))
        {
            return a.Value.CompareTo(b.Value);
        }
        return string.CompareOrdinal(Text(left), Text(right));
    }

    public static string Text(object? value) => value switch
    {
        null => "",
        double d => FormatNumber(d),
        string s => s,
        _ => value.ToString() ?? "",
    };

    public static string FormatNumber(double value)
    {
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value))
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static object? Call(ExpressionNode node, Func<string, object?> field)
    {
        var values = new List<object?>(node.Arguments.Count);
        foreach (var argument in node.Arguments)
        {
            values.Add(Evaluate(argument, field));
        }
        object? first = values.Count > 0 ? values[0] : null;
        return node.Text switch
        {
            "upper" => first is null ? null : Text(first).ToUpperInvariant(),
            "lower" => first is null ? null : Text(first).ToLowerInvariant(),
            "strlen" => first is null ? null : (double)Text(first).Length,
            "abs" => ToNumber(first) is { } n1 ? Math.Abs(n1) : null,
            "floor" => ToNumber(first) is { } n2 ? Math.Floor(n2) : null,
            "ceil" => ToNumber(first) is { } n3 ? Math.Ceiling(n3) : null,
            "sqrt" => ToNumber(first) is { } n4 ? Math.Sqrt(n4) : null,
            "log" => ToNumber(first) is { } n5 ? Math.Log(n5) : null,
            "log2" => ToNumber(first) is { } n6 ? Math.Log2(n6) : null,
            "exists" => first is null ? 0.0 : 1.0,
            "startswith" => values.Count == 2 && Text(first).StartsWith(Text(values[1]), StringComparison.Ordinal) ? 1.0 : 0.0,
            "contains" => values.Count == 2 ? (double)CountOccurrences(Text(first), Text(values[1])) : 0.0,
            _ => null,
        };
    }

    private static int CountOccurrences(string text, string part)
    {
        if (part.Length == 0)
        {
            return text.Length + 1;
        }
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
