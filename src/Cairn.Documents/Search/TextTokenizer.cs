using System.Text;

namespace Cairn.Documents.Search;

/// <summary>
/// RediSearch's default tokenization: split on whitespace and the punctuation set ,.&lt;&gt;{}[]"':;!@#$%^&amp;*()-+=~|/\,
/// lower-case, drop stopwords. No stemming (a documented gap).
/// </summary>
public static class TextTokenizer
{
    public static IReadOnlySet<string> DefaultStopwords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "is", "the", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "it", "no", "not", "of",
        "on", "or", "such", "that", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
    };

    public static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c) || c is ',' or '.' or '<' or '>' or '{' or '}' or '[' or ']' or '"' or '\'' or ':' or ';' or '!'
            or '@' or '#' or '$' or '%' or '^' or '&' or '*' or '(' or ')' or '-' or '+' or '=' or '~' or '|' or '/' or '\\';

    public static void Tokenize(string text, IReadOnlySet<string> stopwords, List<string> output)
    {
        var current = new StringBuilder();
        foreach (char c in text)
        {
            if (IsSeparator(c))
            {
                Flush(current, stopwords, output);
            }
            else
            {
                current.Append(char.ToLowerInvariant(c));
            }
        }
        Flush(current, stopwords, output);
    }

    private static void Flush(StringBuilder current, IReadOnlySet<string> stopwords, List<string> output)
    {
        if (current.Length == 0)
        {
            return;
        }
        string token = current.ToString();
        current.Clear();
        if (!stopwords.Contains(token))
        {
            output.Add(token);
        }
    }
}
