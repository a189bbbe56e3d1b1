using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Path;
using static Cairn.Documents.Operations.JsonOperationSupport;

namespace Cairn.Documents.Operations;

/// <summary>JSON.TOGGLE, NUMINCRBY, NUMMULTBY, STRAPPEND and STRLEN. Same contract as <see cref="JsonDocumentOperations"/>.</summary>
public static class JsonScalarOperations
{
    public static JsonCommandResult Toggle(ref JsonValue? root, string pathText)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            bool? last = null;
            foreach (var value in values)
            {
                if (value.IsBoolean)
                {
                    value.SetBoolean(!value.BooleanValue);
                    last = value.BooleanValue;
                }
            }
            return last is null
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "not a bool"))
                : new JsonCommandResult(JsonReply.Bulk(last.Value ? "true" : "false"), JsonKeyEffect.Modified);
        }
        var replies = new List<JsonReply>(values.Count);
        bool changed = false;
        foreach (var value in values)
        {
            if (value.IsBoolean)
            {
                value.SetBoolean(!value.BooleanValue);
                replies.Add(JsonReply.FromInteger(value.BooleanValue ? 1 : 0));
                changed = true;
            }
            else
            {
                replies.Add(JsonReply.Null);
            }
        }
        return new JsonCommandResult(JsonReply.Array(replies), changed ? JsonKeyEffect.Modified : JsonKeyEffect.None);
    }

    /// <param name="resp3">Under RESP3 RedisJSON replies with an array of numbers (null for non-numbers) for both dialects.</param>
    public static JsonCommandResult NumIncrBy(ref JsonValue? root, string pathText, ReadOnlySpan<byte> number, bool resp3 = false) =>
        NumericOperation(ref root, pathText, number, multiply: false, resp3);

    public static JsonCommandResult NumMultBy(ref JsonValue? root, string pathText, ReadOnlySpan<byte> number, bool resp3 = false) =>
        NumericOperation(ref root, pathText, number, multiply: true, resp3);

    /// <summary>
    /// Integer op integer stays an integer (falling back to double on overflow); anything involving a double is a double.
    /// Legacy replies with the last new value as text; JSONPath with a JSON array text holding null for non-numbers.
    /// </summary>
    private static JsonCommandResult NumericOperation(ref JsonValue? root, string pathText, ReadOnlySpan<byte> number, bool multiply, bool resp3)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (!TryParseJson(number, out var operand, out error))
        {
            return error;
        }
        if (!operand.IsNumber)
        {
            return JsonCommandResult.Fail(JsonErrors.BadInputNumber);
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var values = JsonPathEvaluator.Select(root, path);
        var results = new List<JsonValue>(values.Count);
        JsonValue? last = null;
        foreach (var value in values)
        {
            if (!value.IsNumber)
            {
                results.Add(JsonValue.Null());
                continue;
            }
            var updated = Compute(value, operand, multiply);
            if (updated is null)
            {
                return new JsonCommandResult(JsonReply.Error(JsonErrors.ResultNotANumber), last is null ? JsonKeyEffect.None : JsonKeyEffect.Modified);
            }
            value.Assign(updated);
            results.Add(updated);
            last = updated;
        }
        var effect = last is null ? JsonKeyEffect.None : JsonKeyEffect.Modified;
        if (resp3)
        {
            var numbers = new List<JsonReply>(results.Count);
            foreach (var result in results)
            {
                numbers.Add(result.Kind switch
                {
                    JsonKind.Integer => JsonReply.FromInteger(result.IntegerValue),
                    JsonKind.Double => JsonReply.FromDouble(result.DoubleValue),
                    _ => JsonReply.Null,
                });
            }
            return new JsonCommandResult(JsonReply.Array(numbers), effect);
        }
        if (path.IsLegacy)
        {
            return last is null
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "does not contains a number"))
                : new JsonCommandResult(Serialized(last), effect);
        }
        return new JsonCommandResult(SerializedArray(results), effect);
    }

    private static JsonValue? Compute(JsonValue current, JsonValue operand, bool multiply)
    {
        if (current.Kind == JsonKind.Integer && operand.Kind == JsonKind.Integer)
        {
            long a = current.IntegerValue;
            long b = operand.IntegerValue;
            try
            {
                return JsonValue.Integer(checked(multiply ? a * b : a + b));
            }
            catch (OverflowException)
            {
                // fall through to double arithmetic
            }
        }
        double x = current.NumberAsDouble;
        double y = operand.NumberAsDouble;
        double result = multiply ? x * y : x + y;
        return double.IsFinite(result) ? JsonValue.Double(result) : null;
    }

    public static JsonCommandResult StrAppend(ref JsonValue? root, string? pathText, byte[] jsonString)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var values = JsonPathEvaluator.Select(root, path);
        byte[]? suffix = null;
        var replies = new List<JsonReply>(values.Count);
        long last = -1;
        foreach (var value in values)
        {
            if (value.Kind != JsonKind.String)
            {
                replies.Add(JsonReply.Null);
                continue;
            }
            if (suffix is null)
            {
                // RedisJSON parses the argument only when there is a string to append to.
                if (!TryParseJson(jsonString, out var parsed, out error))
                {
                    return error;
                }
                if (parsed.Kind != JsonKind.String)
                {
                    return JsonCommandResult.Fail(JsonErrors.Expected("string", Encoding.UTF8.GetString(jsonString)));
                }
                suffix = parsed.StringBytes;
            }
            var combined = new byte[value.StringSpan.Length + suffix.Length];
            value.StringBytes.CopyTo(combined, 0);
            suffix.CopyTo(combined, value.StringSpan.Length);
            value.SetString(combined);
            last = combined.Length;
            replies.Add(JsonReply.FromInteger(combined.Length));
        }
        var effect = last >= 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None;
        if (path.IsLegacy)
        {
            return last < 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "not a string"))
                : new JsonCommandResult(JsonReply.FromInteger(last), effect);
        }
        return new JsonCommandResult(JsonReply.Array(replies), effect);
    }

    public static JsonCommandResult StrLen(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return path.IsLegacy ? JsonCommandResult.Read(JsonReply.Null) : JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            if (values.Count == 0)
            {
                return JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Normalized));
            }
            return values[0].Kind == JsonKind.String
                ? JsonCommandResult.Read(JsonReply.FromInteger(values[0].StringSpan.Length))
                : JsonCommandResult.Fail(JsonErrors.Expected("string", values[0].TypeName));
        }
        var replies = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            replies.Add(value.Kind == JsonKind.String ? JsonReply.FromInteger(value.StringSpan.Length) : JsonReply.Null);
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }
}
