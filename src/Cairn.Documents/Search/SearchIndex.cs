using System.Globalization;
using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Path;
using Cairn.Primitives;

namespace Cairn.Documents.Search;

/// <summary>
/// One secondary index: per TAG field value → document ids, per NUMERIC field a sorted (value, id) set, per TEXT field
/// term → document ids; plus the forward index (<see cref="IndexedDocument"/>) of every indexed key.
/// </summary>
/// <remarks>
/// Thread safety: none; the keyspace's writer calls <see cref="Upsert"/>/<see cref="Remove"/> and queries run on the same thread.
/// Invariants: a document id appears in a posting iff the document's forward values contain that value for that field;
/// ids grow monotonically and are never reused, so ascending id is indexing order.
/// </remarks>
public sealed class SearchIndex
{
    private readonly Dictionary<byte[], IndexedDocument> _byKey = new(ByteArrayComparer.Instance);
    private readonly Dictionary<int, IndexedDocument> _byId = [];
    private readonly Dictionary<string, PostingList>[] _postings;
    private readonly SortedSet<string>[] _sortedValues;
    private readonly SortedSet<(double Value, int Id)>[] _numbers;
    private readonly IReadOnlySet<string> _stopwords;
    private int _nextId = 1;
    private long _postingCount;
    private List<byte[]>? _backfillKeys;
    private Func<byte[], JsonValue?>? _backfillLookup;
    private int _backfillPosition;

    public SearchIndex(SearchIndexDefinition definition)
    {
        Definition = definition;
        int fields = definition.Fields.Count;
        _postings = new Dictionary<string, PostingList>[fields];
        _sortedValues = new SortedSet<string>[fields];
        _numbers = new SortedSet<(double, int)>[fields];
        for (int i = 0; i < fields; i++)
        {
            _postings[i] = new Dictionary<string, PostingList>(StringComparer.Ordinal);
            _sortedValues[i] = new SortedSet<string>(StringComparer.Ordinal);
            _numbers[i] = [];
        }
        _stopwords = definition.Stopwords is null
            ? TextTokenizer.DefaultStopwords
            : new HashSet<string>(definition.Stopwords, StringComparer.Ordinal);
    }

    public SearchIndexDefinition Definition { get; }

    public int DocumentCount => _byKey.Count;

    public long PostingCount => _postingCount;

    public IReadOnlySet<string> Stopwords => _stopwords;

    /// <summary>True while existing keys are still being indexed (FT.INFO "indexing").</summary>
    public bool Indexing => _backfillKeys is not null;

    public double BackfillProgress => _backfillKeys is null || _backfillKeys.Count == 0 ? 1.0 : (double)_backfillPosition / _backfillKeys.Count;

    public long IndexingFailures { get; private set; }

    public IEnumerable<IndexedDocument> Documents => _byKey.Values;

    public IndexedDocument? Find(int id) => _byId.GetValueOrDefault(id);

    public IndexedDocument? Find(ReadOnlySpan<byte> key) =>
        _byKey.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var document) ? document : null;

    /// <summary>Indexes (or re-indexes) a document written at <paramref name="key"/>. REQUIRES the key matches a prefix.</summary>
    public void Upsert(byte[] key, JsonValue document)
    {
        var values = Extract(document);
        if (_byKey.TryGetValue(key, out var existing))
        {
            RemovePostings(existing);
            existing.Document = document;
            existing.Values = values;
            AddPostings(existing);
            return;
        }
        var entry = new IndexedDocument(_nextId++, key, document, values);
        _byKey[key] = entry;
        _byId[entry.Id] = entry;
        AddPostings(entry);
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        var lookup = _byKey.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.Remove(key, out _, out var entry))
        {
            return false;
        }
        _byId.Remove(entry.Id);
        RemovePostings(entry);
        return true;
    }

    public void Clear()
    {
        _byKey.Clear();
        _byId.Clear();
        for (int i = 0; i < _postings.Length; i++)
        {
            _postings[i].Clear();
            _sortedValues[i].Clear();
            _numbers[i].Clear();
        }
        _postingCount = 0;
        _backfillKeys = null;
        _backfillLookup = null;
    }

    /// <summary>Starts indexing keys that existed before FT.CREATE (or after a restart). Writes that happen meanwhile are
    /// indexed as usual; the backfill re-reads each key when it reaches it, so it never indexes a stale or deleted value.</summary>
    public void BeginBackfill(List<byte[]> existingKeys, Func<byte[], JsonValue?> lookup)
    {
        _backfillKeys = existingKeys;
        _backfillLookup = lookup;
        _backfillPosition = 0;
        if (existingKeys.Count == 0)
        {
            _backfillKeys = null;
            _backfillLookup = null;
        }
    }

    /// <summary>Indexes up to <paramref name="maxKeys"/> pending keys; returns true when the backfill is complete.</summary>
    public bool BackfillStep(int maxKeys)
    {
        if (_backfillKeys is null)
        {
            return true;
        }
        int end = Math.Min(_backfillKeys.Count, _backfillPosition + maxKeys);
        for (; _backfillPosition < end; _backfillPosition++)
        {
            var key = _backfillKeys[_backfillPosition];
            if (!Definition.AppliesTo(key))
            {
                continue;
            }
            var document = _backfillLookup!(key);
            if (document is not null)
            {
                Upsert(key, document);
            }
        }
        if (_backfillPosition >= _backfillKeys.Count)
        {
            _backfillKeys = null;
            _backfillLookup = null;
            return true;
        }
        return false;
    }

    public PostingList? Postings(int field, string value) => _postings[field].GetValueOrDefault(value);

    /// <summary>Values of a TAG/TEXT field starting with <paramref name="prefix"/>, for prefix queries and FT.TAGVALS.</summary>
    public IEnumerable<string> ValuesWithPrefix(int field, string prefix)
    {
        var sorted = _sortedValues[field];
        if (prefix.Length == 0)
        {
            return sorted;
        }
        return sorted.GetViewBetween(prefix, prefix + char.MaxValue);
    }

    public SortedSet<(double Value, int Id)> Numbers(int field) => _numbers[field];

    public int DistinctValueCount(int field) => _postings[field].Count;

    private void AddPostings(IndexedDocument entry)
    {
        for (int field = 0; field < entry.Values.Length; field++)
        {
            var type = Definition.Fields[field].Type;
            foreach (var value in entry.Values[field])
            {
                if (type == SearchFieldType.Numeric)
                {
                    if (_numbers[field].Add((value.Number, entry.Id)))
                    {
                        _postingCount++;
                    }
                    continue;
                }
                if (!_postings[field].TryGetValue(value.Text!, out var set))
                {
                    set = new PostingList();
                    _postings[field][value.Text!] = set;
                    _sortedValues[field].Add(value.Text!);
                }
                if (set.Add(entry.Id))
                {
                    _postingCount++;
                }
            }
        }
    }

    private void RemovePostings(IndexedDocument entry)
    {
        for (int field = 0; field < entry.Values.Length; field++)
        {
            var type = Definition.Fields[field].Type;
            foreach (var value in entry.Values[field])
            {
                if (type == SearchFieldType.Numeric)
                {
                    if (_numbers[field].Remove((value.Number, entry.Id)))
                    {
                        _postingCount--;
                    }
                    continue;
                }
                if (_postings[field].TryGetValue(value.Text!, out var set) && set.Remove(entry.Id))
                {
                    _postingCount--;
                    if (set.Count == 0)
                    {
                        _postings[field].Remove(value.Text!);
                        _sortedValues[field].Remove(value.Text!);
                    }
                }
            }
        }
    }

    /// <summary>Reads each schema field's values out of a document (the only place the index looks at documents).</summary>
    internal FieldValue[][] Extract(JsonValue document)
    {
        var fields = Definition.Fields;
        var result = new FieldValue[fields.Count][];
        var scratch = new List<JsonValue>();
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var values = new List<FieldValue>();
            if (field.ElementPrefix is not null)
            {
                var elements = JsonPathEvaluator.Select(document, field.ElementPrefix);
                for (int element = 0; element < elements.Count; element++)
                {
                    scratch.Clear();
                    JsonPathEvaluator.SelectRelative(document, elements[element], field.ElementRest, scratch);
                    foreach (var value in scratch)
                    {
                        Convert(field, value, element, values, expandArrays: true);
                    }
                }
            }
            else
            {
                foreach (var value in JsonPathEvaluator.Select(document, field.CompiledPath))
                {
                    Convert(field, value, -1, values, expandArrays: true);
                }
            }
            result[i] = values.Count == 0 ? [] : values.ToArray();
        }
        return result;
    }

    private void Convert(SearchField field, JsonValue value, int element, List<FieldValue> output, bool expandArrays)
    {
        if (value.Kind == JsonKind.Array && expandArrays)
        {
            foreach (var item in value.Items)
            {
                Convert(field, item, element, output, expandArrays: false);
            }
            return;
        }
        switch (field.Type)
        {
            case SearchFieldType.Numeric:
                if (value.IsNumber)
                {
                    output.Add(new FieldValue(element, null, value.NumberAsDouble));
                }
                else if (value.Kind != JsonKind.Null)
                {
                    IndexingFailures++;
                }
                break;
            case SearchFieldType.Tag:
            {
                string? text = value.Kind switch
                {
                    JsonKind.String => Encoding.UTF8.GetString(value.StringSpan),
                    JsonKind.True => "true",
                    JsonKind.False => "false",
                    JsonKind.Integer => value.IntegerValue.ToString(CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (text is null)
                {
                    break;
                }
                foreach (string part in text.Split(field.Separator))
                {
                    string tag = part.Trim();
                    if (tag.Length > 0)
                    {
                        output.Add(new FieldValue(element, NormalizeTag(field, tag), 0));
                    }
                }
                break;
            }
            default:
                if (value.Kind == JsonKind.String)
                {
                    var tokens = new List<string>();
                    TextTokenizer.Tokenize(Encoding.UTF8.GetString(value.StringSpan), _stopwords, tokens);
                    foreach (string token in tokens)
                    {
                        output.Add(new FieldValue(element, token, 0));
                    }
                }
                break;
        }
    }

    public static string NormalizeTag(SearchField field, string tag) => field.CaseSensitive ? tag : tag.ToLowerInvariant();

    /// <summary>Approximate bytes held by the index structures (not the documents), for FT.INFO and the benchmark.</summary>
    public long EstimateIndexMemoryBytes()
    {
        long total = 0;
        foreach (var entry in _byKey.Values)
        {
            total += 96 + entry.Key.Length;
            foreach (var values in entry.Values)
            {
                total += 24 + (values.Length * 24L);
            }
        }
        for (int i = 0; i < _postings.Length; i++)
        {
            foreach (var pair in _postings[i])
            {
                total += 64 + (pair.Key.Length * 2) + pair.Value.EstimateBytes();
            }
            total += _numbers[i].Count * 48L;
        }
        return total;
    }
}
