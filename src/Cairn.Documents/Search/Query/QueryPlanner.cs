namespace Cairn.Documents.Search.Query;

/// <summary>
/// Executes a query against one index. Conjunctions start from the child with the smallest estimated result (exact posting
/// sizes for tags and terms, a uniform-distribution estimate for numeric ranges) and narrow it: by set intersection when the
/// next posting is small, else by checking each remaining candidate's forward-index values. Documents are never read:
/// only postings and forward values, so a document that no index term matches is never examined.
/// </summary>
public sealed class QueryPlanner(SearchIndex index)
{
    /// <summary>Forward-index checks done by the last Execute (for tests and FT.PROFILE-like diagnostics).</summary>
    public long CandidateChecks { get; private set; }

    public HashSet<int> Execute(QueryNode node)
    {
        CandidateChecks = 0;
        return Evaluate(node);
    }

    private HashSet<int> Evaluate(QueryNode node)
    {
        switch (node.Kind)
        {
            case QueryNodeKind.All:
                return AllIds();
            case QueryNodeKind.Tag:
            {
                var result = new HashSet<int>();
                foreach (string value in node.Values)
                {
                    index.Postings(node.Field, value)?.AddTo(result);
                }
                foreach (string prefix in node.Prefixes)
                {
                    foreach (string value in index.ValuesWithPrefix(node.Field, prefix))
                    {
                        index.Postings(node.Field, value)!.AddTo(result);
                    }
                }
                return result;
            }
            case QueryNodeKind.Numeric:
            {
                var result = new HashSet<int>();
                var numbers = index.Numbers(node.Field);
                if (numbers.Count == 0 || node.Minimum > node.Maximum)
                {
                    return result;
                }
                double low = Math.Max(node.Minimum, numbers.Min.Value);
                double high = Math.Min(node.Maximum, numbers.Max.Value);
                if (low > high)
                {
                    return result;
                }
                foreach (var (value, id) in numbers.GetViewBetween((low, int.MinValue), (high, int.MaxValue)))
                {
                    if (node.InRange(value))
                    {
                        result.Add(id);
                    }
                }
                return result;
            }
            case QueryNodeKind.Term:
            {
                var result = new HashSet<int>();
                foreach (int field in TextFields(node.Field))
                {
                    if (node.IsPrefix)
                    {
                        foreach (string value in index.ValuesWithPrefix(field, node.Values[0]))
                        {
                            index.Postings(field, value)!.AddTo(result);
                        }
                    }
                    else
                    {
                        index.Postings(field, node.Values[0])?.AddTo(result);
                    }
                }
                return result;
            }
            case QueryNodeKind.Union:
            {
                var result = new HashSet<int>();
                foreach (var child in node.Children)
                {
                    result.UnionWith(Evaluate(child));
                }
                return result;
            }
            case QueryNodeKind.Not:
            {
                var result = AllIds();
                result.ExceptWith(Evaluate(node.Children[0]));
                return result;
            }
            case QueryNodeKind.Element:
            {
                // Negations hold per element, not per document, so candidates come from the positive conditions only.
                var candidates = Evaluate(Relax(node.Children[0]));
                candidates.RemoveWhere(id => !MatchesAnyElement(node, index.Find(id)!));
                return candidates;
            }
            default:
            {
                var result = EvaluateIntersect(node);
                if (node.IsPhrase)
                {
                    result.RemoveWhere(id => !PhraseMatches(node, index.Find(id)!, -1));
                }
                return result;
            }
        }
    }

    /// <summary>The phrase's terms appear consecutively, in order, in one TEXT field's token sequence (forward values keep
    /// token order), and within one array element when <paramref name="element"/> is given.</summary>
    private bool PhraseMatches(QueryNode node, IndexedDocument document, int element)
    {
        var terms = node.Children;
        foreach (int field in TextFields(node.Field))
        {
            var values = document.Values[field];
            for (int start = 0; start + terms.Count <= values.Length; start++)
            {
                bool all = true;
                for (int t = 0; t < terms.Count && all; t++)
                {
                    var value = values[start + t];
                    all = (element < 0 || value.Element == element) && value.Element == values[start].Element &&
                        string.Equals(value.Text, terms[t].Values[0], StringComparison.Ordinal);
                }
                if (all)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>A node matching a superset of documents: negations dropped (they are checked per element afterwards).</summary>
    private static QueryNode Relax(QueryNode node)
    {
        switch (node.Kind)
        {
            case QueryNodeKind.Not:
                return new QueryNode { Kind = QueryNodeKind.All };
            case QueryNodeKind.Intersect:
            {
                var children = new List<QueryNode>();
                foreach (var child in node.Children)
                {
                    var relaxed = Relax(child);
                    if (relaxed.Kind != QueryNodeKind.All)
                    {
                        children.Add(relaxed);
                    }
                }
                return children.Count == 0 ? new QueryNode { Kind = QueryNodeKind.All } : new QueryNode { Kind = QueryNodeKind.Intersect, Children = children };
            }
            case QueryNodeKind.Union:
            {
                var children = new List<QueryNode>();
                foreach (var child in node.Children)
                {
                    var relaxed = Relax(child);
                    if (relaxed.Kind == QueryNodeKind.All)
                    {
                        return relaxed;
                    }
                    children.Add(relaxed);
                }
                return new QueryNode { Kind = QueryNodeKind.Union, Children = children };
            }
            default:
                return node;
        }
    }

    private HashSet<int> EvaluateIntersect(QueryNode node)
    {
        var positives = new List<(QueryNode Node, long Estimate)>();
        var negatives = new List<QueryNode>();
        foreach (var child in node.Children)
        {
            if (child.Kind == QueryNodeKind.Not)
            {
                negatives.Add(child.Children[0]);
            }
            else
            {
                positives.Add((child, Estimate(child)));
            }
        }
        positives.Sort(static (a, b) => a.Estimate.CompareTo(b.Estimate));
        HashSet<int> result;
        int next = 0;
        if (positives.Count == 0)
        {
            result = AllIds();
        }
        else
        {
            result = Evaluate(positives[0].Node);
            next = 1;
        }
        for (; next < positives.Count && result.Count > 0; next++)
        {
            var (child, estimate) = positives[next];
            if (child.Kind is QueryNodeKind.Tag or QueryNodeKind.Term)
            {
                // Probing the child's postings costs one hash lookup per remaining candidate.
                var sets = PostingSets(child);
                result.RemoveWhere(id => !AnyContains(sets, id));
            }
            else if (child.Kind == QueryNodeKind.Numeric && estimate < result.Count / 4)
            {
                result.IntersectWith(Evaluate(child));
            }
            else
            {
                result.RemoveWhere(id => !Check(child, id));
            }
        }
        foreach (var negative in negatives)
        {
            if (result.Count == 0)
            {
                break;
            }
            result.RemoveWhere(id => Check(negative, id));
        }
        return result;
    }

    private List<PostingList> PostingSets(QueryNode node)
    {
        var sets = new List<PostingList>();
        if (node.Kind == QueryNodeKind.Tag)
        {
            foreach (string value in node.Values)
            {
                if (index.Postings(node.Field, value) is { } postings)
                {
                    sets.Add(postings);
                }
            }
            foreach (string prefix in node.Prefixes)
            {
                foreach (string value in index.ValuesWithPrefix(node.Field, prefix))
                {
                    sets.Add(index.Postings(node.Field, value)!);
                }
            }
            return sets;
        }
        foreach (int field in TextFields(node.Field))
        {
            if (node.IsPrefix)
            {
                foreach (string value in index.ValuesWithPrefix(field, node.Values[0]))
                {
                    sets.Add(index.Postings(field, value)!);
                }
            }
            else if (index.Postings(field, node.Values[0]) is { } postings)
            {
                sets.Add(postings);
            }
        }
        return sets;
    }

    private static bool AnyContains(List<PostingList> sets, int id)
    {
        foreach (var set in sets)
        {
            if (set.Contains(id))
            {
                return true;
            }
        }
        return false;
    }

    private bool Check(QueryNode node, int id)
    {
        CandidateChecks++;
        return Matches(node, index.Find(id)!, -1);
    }

    /// <summary>Upper-bound estimate of the number of matches, from postings only.</summary>
    public long Estimate(QueryNode node)
    {
        switch (node.Kind)
        {
            case QueryNodeKind.All:
                return index.DocumentCount;
            case QueryNodeKind.Tag:
            {
                long total = 0;
                foreach (string value in node.Values)
                {
                    total += index.Postings(node.Field, value)?.Count ?? 0;
                }
                foreach (string prefix in node.Prefixes)
                {
                    foreach (string value in index.ValuesWithPrefix(node.Field, prefix))
                    {
                        total += index.Postings(node.Field, value)!.Count;
                    }
                }
                return total;
            }
            case QueryNodeKind.Numeric:
            {
                var numbers = index.Numbers(node.Field);
                if (numbers.Count == 0)
                {
                    return 0;
                }
                double min = numbers.Min.Value;
                double max = numbers.Max.Value;
                double low = Math.Max(node.Minimum, min);
                double high = Math.Min(node.Maximum, max);
                if (low > high)
                {
                    return 0;
                }
                if (max <= min)
                {
                    return numbers.Count;
                }
                return Math.Max(1, (long)(numbers.Count * ((high - low) / (max - min))));
            }
            case QueryNodeKind.Term:
            {
                long total = 0;
                foreach (int field in TextFields(node.Field))
                {
                    if (node.IsPrefix)
                    {
                        foreach (string value in index.ValuesWithPrefix(field, node.Values[0]))
                        {
                            total += index.Postings(field, value)!.Count;
                        }
                    }
                    else
                    {
                        total += index.Postings(field, node.Values[0])?.Count ?? 0;
                    }
                }
                return total;
            }
            case QueryNodeKind.Union:
            {
                long total = 0;
                foreach (var child in node.Children)
                {
                    total += Estimate(child);
                }
                return Math.Min(total, index.DocumentCount);
            }
            case QueryNodeKind.Not:
                return index.DocumentCount;
            case QueryNodeKind.Element:
                return Estimate(node.Children[0]);
            default:
            {
                long smallest = index.DocumentCount;
                foreach (var child in node.Children)
                {
                    if (child.Kind != QueryNodeKind.Not)
                    {
                        smallest = Math.Min(smallest, Estimate(child));
                    }
                }
                return smallest;
            }
        }
    }

    /// <summary>Checks a condition against a document's forward values; with element &gt;= 0 only values of that array element count.</summary>
    public bool Matches(QueryNode node, IndexedDocument document, int element)
    {
        switch (node.Kind)
        {
            case QueryNodeKind.All:
                return true;
            case QueryNodeKind.Tag:
                foreach (var value in document.Values[node.Field])
                {
                    if (element >= 0 && value.Element != element)
                    {
                        continue;
                    }
                    foreach (string wanted in node.Values)
                    {
                        if (string.Equals(value.Text, wanted, StringComparison.Ordinal))
                        {
                            return true;
                        }
                    }
                    foreach (string prefix in node.Prefixes)
                    {
                        if (value.Text!.StartsWith(prefix, StringComparison.Ordinal))
                        {
                            return true;
                        }
                    }
                }
                return false;
            case QueryNodeKind.Numeric:
                foreach (var value in document.Values[node.Field])
                {
                    if ((element < 0 || value.Element == element) && node.InRange(value.Number))
                    {
                        return true;
                    }
                }
                return false;
            case QueryNodeKind.Term:
                foreach (int field in TextFields(node.Field))
                {
                    foreach (var value in document.Values[field])
                    {
                        if (element >= 0 && value.Element != element)
                        {
                            continue;
                        }
                        if (node.IsPrefix
                            ? value.Text!.StartsWith(node.Values[0], StringComparison.Ordinal)
                            : string.Equals(value.Text, node.Values[0], StringComparison.Ordinal))
                        {
                            return true;
                        }
                    }
                }
                return false;
            case QueryNodeKind.Union:
                foreach (var child in node.Children)
                {
                    if (Matches(child, document, element))
                    {
                        return true;
                    }
                }
                return false;
            case QueryNodeKind.Not:
                return !Matches(node.Children[0], document, element);
            case QueryNodeKind.Element:
                return MatchesAnyElement(node, document);
            default:
                foreach (var child in node.Children)
                {
                    if (!Matches(child, document, element))
                    {
                        return false;
                    }
                }
                return !node.IsPhrase || PhraseMatches(node, document, element);
        }
    }

    private bool MatchesAnyElement(QueryNode node, IndexedDocument document)
    {
        var elements = new HashSet<int>();
        var fields = index.Definition.Fields;
        for (int field = 0; field < fields.Count; field++)
        {
            if (fields[field].ElementPrefixText == node.ElementPrefix)
            {
                foreach (var value in document.Values[field])
                {
                    elements.Add(value.Element);
                }
            }
        }
        foreach (int element in elements)
        {
            if (Matches(node.Children[0], document, element))
            {
                return true;
            }
        }
        return false;
    }

    private HashSet<int> AllIds()
    {
        var result = new HashSet<int>(index.DocumentCount);
        foreach (var document in index.Documents)
        {
            result.Add(document.Id);
        }
        return result;
    }

    private IEnumerable<int> TextFields(int field)
    {
        if (field >= 0)
        {
            yield return field;
            yield break;
        }
        var fields = index.Definition.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            if (fields[i].Type == SearchFieldType.Text)
            {
                yield return i;
            }
        }
    }
}
