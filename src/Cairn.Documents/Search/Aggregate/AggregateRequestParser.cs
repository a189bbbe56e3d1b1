using System.Globalization;
using static Cairn.Documents.Search.SearchIndexDefinitionParser;

namespace Cairn.Documents.Search.Aggregate;

/// <summary>Parses FT.AGGREGATE arguments (after the command name).</summary>
public static class AggregateRequestParser
{
    public static bool TryParse(IReadOnlyList<string> args, out AggregateRequest request, out string error)
    {
        request = null!;
        if (args.Count < 2)
        {
            error = "ERR wrong number of arguments for 'ft.aggregate' command";
            return false;
        }
        var steps = new List<AggregateStep>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        bool expand = false;
        int i = 2;
        while (i < args.Count)
        {
            string option = args[i++];
            if (Is(option, "LOAD"))
            {
                if (i < args.Count && args[i] == "*")
                {
                    i++;
                    steps.Add(new AggregateStep { Kind = AggregateStepKind.Load, Fields = [("$", "$")] });
                    continue;
                }
                if (!SearchRequestParser.TryCount(args, ref i, out int count))
                {
                    error = "Bad arguments for LOAD: Expected number of fields or `*`";
                    return false;
                }
                var fields = new List<(string, string)>();
                int end = i + count;
                while (i < end)
                {
                    string identifier = args[i++].TrimStart('@');
                    string name = identifier;
                    if (i + 1 < end && Is(args[i], "AS"))
                    {
                        name = args[i + 1];
                        i += 2;
                    }
                    fields.Add((identifier, name));
                }
                steps.Add(new AggregateStep { Kind = AggregateStepKind.Load, Fields = fields });
            }
            else if (Is(option, "GROUPBY"))
            {
                if (!SearchRequestParser.TryCount(args, ref i, out int count))
                {
                    error = "Bad arguments for GROUPBY: Expected an argument";
                    return false;
                }
                var fields = new List<(string, string)>();
                for (int f = 0; f < count; f++)
                {
                    string property = args[i++];
                    if (!property.StartsWith('@'))
                    {
                        error = $"Bad arguments for GROUPBY: Unknown property `{property}`. Did you mean `@{property}`?";
                        return false;
                    }
                    fields.Add((property[1..], property[1..]));
                }
                var reducers = new List<Reducer>();
                while (i < args.Count && Is(args[i], "REDUCE"))
                {
                    i++;
                    if (i >= args.Count)
                    {
                        error = "Bad arguments for REDUCE: Expected an argument";
                        return false;
                    }
                    string function = args[i++].ToUpperInvariant();
                    if (!SearchRequestParser.TryCount(args, ref i, out int argumentCount))
                    {
                        error = "Bad arguments for REDUCE: Expected an argument";
                        return false;
                    }
                    string? field = argumentCount > 0 ? args[i].TrimStart('@') : null;
                    i += argumentCount;
                    if (function is not ("COUNT" or "SUM" or "AVG" or "MIN" or "MAX" or "COUNT_DISTINCT" or "TOLIST"))
                    {
                        error = $"No such reducer: {function}"; // RediSearch's QUERY_ENOREDUCER text
                        return false;
                    }
                    if (function != "COUNT" && field is null)
                    {
                        error = $"Bad arguments for {function}: Expected an argument";
                        return false;
                    }
                    string name = "__generated_alias" + function.ToLowerInvariant() + (field ?? "");
                    if (i + 1 < args.Count && Is(args[i], "AS"))
                    {
                        name = args[i + 1];
                        i += 2;
                    }
                    reducers.Add(new Reducer(function, field, name));
                }
                steps.Add(new AggregateStep { Kind = AggregateStepKind.GroupBy, Fields = fields, Reducers = reducers });
            }
            else if (Is(option, "APPLY") || Is(option, "FILTER"))
            {
                if (i >= args.Count)
                {
                    error = $"Bad arguments for {option.ToUpperInvariant()}: Expected an argument";
                    return false;
                }
                if (!ExpressionParser.TryParse(args[i++], out var expression, out error))
                {
                    return false;
                }
                if (Is(option, "FILTER"))
                {
                    steps.Add(new AggregateStep { Kind = AggregateStepKind.Filter, Expression = expression });
                    continue;
                }
                if (i + 1 >= args.Count || !Is(args[i], "AS"))
                {
                    error = "Bad arguments for APPLY: AS is required";
                    return false;
                }
                steps.Add(new AggregateStep { Kind = AggregateStepKind.Apply, Expression = expression, Name = args[i + 1] });
                i += 2;
            }
            else if (Is(option, "SORTBY"))
            {
                if (!SearchRequestParser.TryCount(args, ref i, out int count))
                {
                    error = "Bad arguments for SORTBY: Expected an argument";
                    return false;
                }
                var keys = new List<(string, string)>();
                var descending = new List<bool>();
                int end = i + count;
                while (i < end)
                {
                    string property = args[i++].TrimStart('@');
                    bool desc = false;
                    if (i < end && (Is(args[i], "ASC") || Is(args[i], "DESC")))
                    {
                        desc = Is(args[i++], "DESC");
                    }
                    keys.Add((property, property));
                    descending.Add(desc);
                }
                int max = 0;
                if (i + 1 < args.Count && Is(args[i], "MAX"))
                {
                    int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out max);
                    i += 2;
                }
                steps.Add(new AggregateStep { Kind = AggregateStepKind.SortBy, Fields = keys, Descending = descending, Count = max });
            }
            else if (Is(option, "LIMIT"))
            {
                if (i + 1 >= args.Count ||
                    !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out int offset) ||
                    !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
                {
                    error = "Bad arguments for LIMIT: Expected an argument";
                    return false;
                }
                i += 2;
                steps.Add(new AggregateStep { Kind = AggregateStepKind.Limit, Offset = offset, Count = count });
            }
            else if (Is(option, "PARAMS"))
            {
                if (!SearchRequestParser.TryCount(args, ref i, out int count) || count % 2 != 0)
                {
                    error = "Bad arguments for PARAMS: Expected an argument";
                    return false;
                }
                for (int p = 0; p < count; p += 2)
                {
                    parameters[args[i + p]] = args[i + p + 1];
                }
                i += count;
            }
            else if (Is(option, "FORMAT"))
            {
                if (!SearchRequestParser.TryFormat(args, ref i, ref expand, out error))
                {
                    return false;
                }
            }
            else if (Is(option, "DIALECT") || Is(option, "TIMEOUT"))
            {
                i++;
            }
            else if (Is(option, "VERBATIM"))
            {
            }
            else
            {
                error = $"Unknown argument `{option}` at position {i - 1} for <main>";
                return false;
            }
        }
        request = new AggregateRequest { Index = args[0], Query = args[1], Steps = steps, Parameters = parameters, Expand = expand };
        error = "";
        return true;
    }
}
