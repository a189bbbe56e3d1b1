using System.Text;
using System.Text.RegularExpressions;
using Cairn.Documents.Json;

namespace Cairn.Documents.Path;

/// <summary>Evaluates `?()` filter expressions for one candidate node. A comparison holds if it holds for any pair of operand values.</summary>
internal static class FilterEvaluator
{
    public static bool IsTrue(FilterNode node, JsonValue root, JsonValue current)
    {
        switch (node.Kind)
        {
            case FilterNodeKind.Or:
                return IsTrue(node.Left!, root, current) || IsTrue(node.Right!, root, current);
            case FilterNodeKind.And:
                return IsTrue(node.Left!, root, current) && IsTrue(node.Right!, root, current);
            case FilterNodeKind.Not:
                return !IsTrue(node.Left!, root, current);
            case FilterNodeKind.Exists:
                return Operand(node.Left!, root, current).Count > 0;
            case FilterNodeKind.Literal:
                return node.Literal!.Kind == JsonKind.True;
            case FilterNodeKind.Compare:
            {
                var left = Operand(node.Left!, root, current);
                var right = Operand(node.Right!, root, current);
                foreach (var l in left)
                {
                    foreach (var r in right)
                    {
                        if (Compare(node, l, r))
                        {
                            return true;
                        }
                    }
                }
                return false;
            }
            default:
                return Operand(node, root, current).Count > 0;
        }
    }

    private static List<JsonValue> Operand(FilterNode node, JsonValue root, JsonValue current)
    {
        var values = new List<JsonValue>(1);
        switch (node.Kind)
        {
            case FilterNodeKind.Literal:
                values.Add(node.Literal!);
                break;
            case FilterNodeKind.RelativePath:
                JsonPathEvaluator.SelectRelative(root, current, node.Segments, values);
                break;
            case FilterNodeKind.RootPath:
                JsonPathEvaluator.SelectRelative(root, root, node.Segments, values);
                break;
        }
        return values;
    }

    private static bool Compare(FilterNode node, JsonValue left, JsonValue right)
    {
        if (node.Operator == FilterOperator.RegexMatch)
        {
            if (left.Kind != JsonKind.String || right.Kind != JsonKind.String)
            {
                return false;
            }
            try
            {
                var regex = node.GetRegex(Encoding.UTF8.GetString(right.StringSpan));
                return regex.IsMatch(Encoding.UTF8.GetString(left.StringSpan));
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }
        int? order = Order(left, right);
        return node.Operator switch
        {
            FilterOperator.Equal => order == 0,
            FilterOperator.NotEqual => order != 0,
            FilterOperator.Less => order < 0,
            FilterOperator.LessOrEqual => order <= 0,
            FilterOperator.Greater => order > 0,
            FilterOperator.GreaterOrEqual => order >= 0,
            _ => false,
        };
    }

    /// <summary>Ordering of two values of comparable types; null when they are not comparable (then only != holds).</summary>
    private static int? Order(JsonValue left, JsonValue right)
    {
        if (left.IsNumber && right.IsNumber)
        {
            if (left.Kind == JsonKind.Integer && right.Kind == JsonKind.Integer)
            {
                return left.IntegerValue.CompareTo(right.IntegerValue);
            }
            return left.NumberAsDouble.CompareTo(right.NumberAsDouble);
        }
        if (left.Kind == JsonKind.String && right.Kind == JsonKind.String)
        {
            return left.StringSpan.SequenceCompareTo(right.StringSpan);
        }
        if (left.IsBoolean && right.IsBoolean)
        {
            return left.Kind == right.Kind ? 0 : null;
        }
        if (left.Kind == JsonKind.Null && right.Kind == JsonKind.Null)
        {
            return 0;
        }
        if (left.IsContainer && right.IsContainer && left.DeepEquals(right))
        {
            return 0;
        }
        return null;
    }
}
