using System.Globalization;
using System.Text;

namespace Cairn.Documents.Search.Query;

/// <summary>Renders a parsed query the way FT.EXPLAIN does (INTERSECT/UNION/NOT blocks, TAG and NUMERIC leaves).</summary>
public static class QueryExplainer
{
    public static string Explain(QueryNode node, SearchIndexDefinition definition)
    {
        var builder = new StringBuilder();
        Write(builder, node, definition, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, QueryNode node, SearchIndexDefinition definition, int depth)
    {
        string indent = new(' ', depth * 2);
        switch (node.Kind)
        {
            case QueryNodeKind.All:
                builder.Append(indent).Append("<WILDCARD>\n");
                break;
            case QueryNodeKind.Term:
                builder.Append(indent);
                if (node.Field >= 0)
                {
                    builder.Append('@').Append(definition.Fields[node.Field].Alias).Append(':');
                }
                builder.Append(node.Values[0]).Append(node.IsPrefix ? "*" : "").Append('\n');
                break;
            case QueryNodeKind.Tag:
                builder.Append(indent).Append("TAG:@").Append(definition.Fields[node.Field].Alias).Append(" {\n");
                foreach (string value in node.Values)
                {
                    builder.Append(indent).Append("  ").Append(value).Append('\n');
                }
                foreach (string prefix in node.Prefixes)
                {
                    builder.Append(indent).Append("  ").Append(prefix).Append("*\n");
                }
                builder.Append(indent).Append("}\n");
                break;
            case QueryNodeKind.Numeric:
                builder.Append(indent).Append("NUMERIC {")
                    .Append(Number(node.Minimum)).Append(node.MinimumExclusive ? " < @" : " <= @")
                    .Append(definition.Fields[node.Field].Alias)
                    .Append(node.MaximumExclusive ? " < " : " <= ").Append(Number(node.Maximum)).Append("}\n");
                break;
            case QueryNodeKind.Not:
                builder.Append(indent).Append("NOT{\n");
                Write(builder, node.Children[0], definition, depth + 1);
                builder.Append(indent).Append("}\n");
                break;
            default:
                builder.Append(indent).Append(node.Kind switch
                {
                    QueryNodeKind.Union => "UNION {\n",
                    QueryNodeKind.Element => "ELEMENT " + node.ElementPrefix + " {\n",
                    _ when node.IsPhrase => "EXACT {\n",
                    _ => "INTERSECT {\n",
                });
                foreach (var child in node.Children)
                {
                    Write(builder, child, definition, depth + 1);
                }
                builder.Append(indent).Append("}\n");
                break;
        }
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString("F6", CultureInfo.InvariantCulture);
}
