using System.Globalization;
using System.Text;
using Cairn.Documents.Path;

namespace Cairn.Documents.Search;

/// <summary>
/// Parses FT.CREATE arguments (after the command name): `idx [ON JSON] [PREFIX n p...] [STOPWORDS n w...] [options] SCHEMA
/// path [AS alias] TEXT|TAG|NUMERIC [SORTABLE] [SEPARATOR c] [CASESENSITIVE] [WEIGHT w] [NOSTEM]...`.
/// </summary>
public static class SearchIndexDefinitionParser
{
    public static bool TryParse(IReadOnlyList<string> args, out SearchIndexDefinition definition, out string error)
    {
        definition = null!;
        if (args.Count < 1)
        {
            error = "ERR wrong number of arguments for 'ft.create' command";
            return false;
        }
        string name = args[0];
        var prefixes = new List<byte[]>();
        List<string>? stopwords = null;
        bool skipInitialScan = false;
        int i = 1;
        while (i < args.Count && !Is(args[i], "SCHEMA"))
        {
            string option = args[i++];
            if (Is(option, "ON"))
            {
                if (i >= args.Count)
                {
                    error = "Missing argument for ON";
                    return false;
                }
                string kind = args[i++];
                if (!Is(kind, "JSON"))
                {
                    error = Is(kind, "HASH") ? "ERR Cairn indexes JSON documents only (ON JSON)" : $"Unknown index type `{kind}`";
                    return false;
                }
            }
            else if (Is(option, "PREFIX") || Is(option, "STOPWORDS"))
            {
                if (i >= args.Count || !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || i + count >= args.Count + 1)
                {
                    error = $"Bad arguments for {option.ToUpperInvariant()}: Expected an argument";
                    return false;
                }
                i++;
                if (i + count > args.Count)
                {
                    error = $"Bad arguments for {option.ToUpperInvariant()}: Expected an argument";
                    return false;
                }
                if (Is(option, "PREFIX"))
                {
                    for (int p = 0; p < count; p++)
                    {
                        prefixes.Add(Encoding.UTF8.GetBytes(args[i + p]));
                    }
                }
                else
                {
                    stopwords = [];
                    for (int p = 0; p < count; p++)
                    {
                        stopwords.Add(args[i + p].ToLowerInvariant());
                    }
                }
                i += count;
            }
            else if (Is(option, "FILTER") || Is(option, "LANGUAGE") || Is(option, "LANGUAGE_FIELD") || Is(option, "SCORE") ||
                     Is(option, "SCORE_FIELD") || Is(option, "PAYLOAD_FIELD") || Is(option, "TEMPORARY"))
            {
                if (Is(option, "FILTER"))
                {
                    error = "ERR FILTER is not supported by Cairn";
                    return false;
                }
                i++; // accepted and ignored
            }
            else if (Is(option, "SKIPINITIALSCAN"))
            {
                skipInitialScan = true;
            }
            else if (Is(option, "MAXTEXTFIELDS") || Is(option, "NOOFFSETS") || Is(option, "NOHL") || Is(option, "NOFIELDS") ||
                     Is(option, "NOFREQS"))
            {
                // flags with no effect on this implementation
            }
            else
            {
                error = $"Unknown argument `{option}`";
                return false;
            }
        }
        if (i >= args.Count)
        {
            error = "No schema found";
            return false;
        }
        i++; // SCHEMA
        var fields = new List<SearchField>();
        while (i < args.Count)
        {
            string path = args[i++];
            string alias = path;
            if (i + 1 < args.Count && Is(args[i], "AS"))
            {
                alias = args[i + 1];
                i += 2;
            }
            if (i >= args.Count)
            {
                error = $"Field `{alias}` does not have a type";
                return false;
            }
            string typeText = args[i++];
            SearchFieldType type;
            if (Is(typeText, "TEXT")) type = SearchFieldType.Text;
            else if (Is(typeText, "TAG")) type = SearchFieldType.Tag;
            else if (Is(typeText, "NUMERIC")) type = SearchFieldType.Numeric;
            else
            {
                error = $"Invalid field type for field `{alias}`";
                return false;
            }
            bool sortable = false;
            bool caseSensitive = false;
            char separator = ',';
            double weight = 1.0;
            while (i < args.Count)
            {
                string flag = args[i];
                if (Is(flag, "SORTABLE")) { sortable = true; i++; if (i < args.Count && Is(args[i], "UNF")) i++; }
                else if (Is(flag, "CASESENSITIVE") && type == SearchFieldType.Tag) { caseSensitive = true; i++; }
                else if (Is(flag, "SEPARATOR") && type == SearchFieldType.Tag)
                {
                    if (i + 1 >= args.Count || args[i + 1].Length != 1)
                    {
                        error = $"Tag separator must be a single character. Got `{(i + 1 < args.Count ? args[i + 1] : "")}`";
                        return false;
                    }
                    separator = args[i + 1][0];
                    i += 2;
                }
                else if (Is(flag, "WEIGHT") && type == SearchFieldType.Text)
                {
                    if (i + 1 >= args.Count || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
                    {
                        error = "Could not parse field spec";
                        return false;
                    }
                    i += 2;
                }
                else if (Is(flag, "PHONETIC")) { i += 2; }
                else if (Is(flag, "NOSTEM") || Is(flag, "NOINDEX") || Is(flag, "WITHSUFFIXTRIE") || Is(flag, "INDEXEMPTY") || Is(flag, "INDEXMISSING")) { i++; }
                else
                {
                    break;
                }
            }
            foreach (var existing in fields)
            {
                if (existing.Alias == alias)
                {
                    error = $"Duplicate field in schema - {alias}";
                    return false;
                }
            }
            if (!TryBuildField(path, alias, type, sortable, separator, caseSensitive, weight, out var field, out error))
            {
                return false;
            }
            fields.Add(field);
        }
        if (fields.Count == 0)
        {
            error = "Fields arguments are missing";
            return false;
        }
        definition = new SearchIndexDefinition { Name = name, Prefixes = prefixes, Fields = fields, Stopwords = stopwords, SkipInitialScan = skipInitialScan };
        error = "";
        return true;
    }

    public static bool TryBuildField(string path, string alias, SearchFieldType type, bool sortable, char separator, bool caseSensitive,
        double weight, out SearchField field, out string error)
    {
        field = null!;
        if (!JsonPathParser.TryParse(path, out var compiled, out error))
        {
            error = $"Invalid JSONPath '{path}' in attribute '{alias}'";
            return false;
        }
        // The element prefix: up to and including the first wildcard over an array that is followed by more steps.
        JsonPath? prefix = null;
        IReadOnlyList<PathSegment> rest = [];
        string? prefixText = null;
        for (int s = 0; s < compiled.Segments.Count - 1; s++)
        {
            var segment = compiled.Segments[s];
            if (segment.Kind == PathSelectorKind.Wildcard && !segment.Recursive)
            {
                var head = compiled.Segments.Take(s + 1).ToList();
                prefixText = RenderPrefix(head);
                if (prefixText is null)
                {
                    break;
                }
                prefix = new JsonPath { Original = prefixText, Normalized = prefixText, IsLegacy = false, Segments = head };
                rest = compiled.Segments.Skip(s + 1).ToList();
                break;
            }
        }
        field = new SearchField
        {
            Path = path,
            Alias = alias,
            Type = type,
            Sortable = sortable,
            Separator = separator,
            CaseSensitive = caseSensitive,
            Weight = weight,
            CompiledPath = compiled,
            ElementPrefix = prefix,
            ElementRest = rest,
            ElementPrefixText = prefixText,
        };
        error = "";
        return true;
    }

    /// <summary>"$.a.b[*]" for a prefix made of member names and one final wildcard; null for anything fancier.</summary>
    private static string? RenderPrefix(List<PathSegment> segments)
    {
        var builder = new StringBuilder("$");
        for (int i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Recursive)
            {
                return null;
            }
            if (segment.Kind == PathSelectorKind.Name)
            {
                builder.Append('.').Append(Encoding.UTF8.GetString(segment.Names[0]));
            }
            else if (segment.Kind == PathSelectorKind.Wildcard && i == segments.Count - 1)
            {
                builder.Append("[*]");
            }
            else
            {
                return null;
            }
        }
        return builder.ToString();
    }

    internal static bool Is(string text, string keyword) => string.Equals(text, keyword, StringComparison.OrdinalIgnoreCase);
}
