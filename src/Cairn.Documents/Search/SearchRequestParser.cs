using System.Globalization;
using static Cairn.Documents.Search.SearchIndexDefinitionParser;

namespace Cairn.Documents.Search;

/// <summary>Parses FT.SEARCH arguments (after the command name).</summary>
public static class SearchRequestParser
{
    public static bool TryParse(IReadOnlyList<string> args, out SearchRequest request, out string error)
    {
        request = null!;
        if (args.Count < 2)
        {
            error = "ERR wrong number of arguments for 'ft.search' command";
            return false;
        }
        bool noContent = false;
        bool withScores = false;
        List<(string, string)>? returns = null;
        string? sortBy = null;
        bool descending = false;
        int offset = 0;
        int limit = 10;
        int dialect = 2;
        bool expand = false;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 2;
        while (i < args.Count)
        {
            string option = args[i++];
            if (Is(option, "NOCONTENT")) noContent = true;
            else if (Is(option, "WITHSCORES")) withScores = true;
            else if (Is(option, "VERBATIM") || Is(option, "NOSTOPWORDS") || Is(option, "WITHPAYLOADS") || Is(option, "WITHSORTKEYS") ||
                     Is(option, "INORDER") || Is(option, "EXPLAINSCORE") || Is(option, "WITHCOUNT")) { }
            else if (Is(option, "TIMEOUT") || Is(option, "LANGUAGE") || Is(option, "SLOP") || Is(option, "SCORER") || Is(option, "EXPANDER"))
            {
                i++;
            }
            else if (Is(option, "FORMAT"))
            {
                if (!TryFormat(args, ref i, ref expand, out error))
                {
                    return false;
                }
            }
            else if (Is(option, "DIALECT"))
            {
                if (i >= args.Count || !int.TryParse(args[i++], NumberStyles.None, CultureInfo.InvariantCulture, out dialect) || dialect < 1 || dialect > 4)
                {
                    error = "DIALECT requires a non negative integer >=1 and <= 4";
                    return false;
                }
            }
            else if (Is(option, "RETURN"))
            {
                if (!TryCount(args, ref i, out int count))
                {
                    error = "Bad arguments for RETURN: Expected an argument";
                    return false;
                }
                returns = [];
                int end = i + count;
                while (i < end)
                {
                    string identifier = args[i++];
                    string name = identifier;
                    if (i + 1 < end + 1 && i < end && Is(args[i], "AS"))
                    {
                        if (i + 1 >= end)
                        {
                            error = "Bad arguments for RETURN: AS needs a name";
                            return false;
                        }
                        name = args[i + 1];
                        i += 2;
                    }
                    returns.Add((identifier, name));
                }
            }
            else if (Is(option, "SORTBY"))
            {
                if (i >= args.Count)
                {
                    error = "Bad arguments for SORTBY: Expected an argument";
                    return false;
                }
                sortBy = args[i++].TrimStart('@');
                if (i < args.Count && (Is(args[i], "ASC") || Is(args[i], "DESC")))
                {
                    descending = Is(args[i++], "DESC");
                }
            }
            else if (Is(option, "LIMIT"))
            {
                if (i + 1 >= args.Count ||
                    !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out offset) ||
                    !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out limit))
                {
                    error = "Bad arguments for LIMIT: Expected an argument";
                    return false;
                }
                i += 2;
            }
            else if (Is(option, "PARAMS"))
            {
                if (!TryCount(args, ref i, out int count) || count % 2 != 0)
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
            else
            {
                error = $"Unknown argument `{option}` at position {i - 1} for <main>";
                return false;
            }
        }
        request = new SearchRequest
        {
            Index = args[0],
            Query = args[1],
            NoContent = noContent,
            WithScores = withScores,
            Return = returns,
            SortBy = sortBy,
            SortDescending = descending,
            Offset = offset,
            Limit = limit,
            Parameters = parameters,
            Dialect = dialect,
            Expand = expand,
        };
        error = "";
        return true;
    }

    /// <summary>FORMAT's argument, shared by FT.SEARCH and FT.AGGREGATE: STRING (the default) or EXPAND (RESP3 only,
    /// checked when the reply is shaped), with RediSearch's error texts.</summary>
    internal static bool TryFormat(IReadOnlyList<string> args, ref int i, ref bool expand, out string error)
    {
        if (i >= args.Count)
        {
            error = "Need an argument for FORMAT";
            return false;
        }
        string format = args[i++];
        error = "";
        if (Is(format, "EXPAND"))
        {
            expand = true;
        }
        else if (!Is(format, "STRING"))
        {
            error = $"FORMAT {format} is not supported";
            return false;
        }
        return true;
    }

    internal static bool TryCount(IReadOnlyList<string> args, ref int i, out int count)
    {
        count = 0;
        if (i >= args.Count || !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out count) || i + 1 + count > args.Count)
        {
            return false;
        }
        i++;
        return true;
    }
}
