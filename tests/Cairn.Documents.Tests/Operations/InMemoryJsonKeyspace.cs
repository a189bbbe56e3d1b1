using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Operations;
using Cairn.Documents.Search;
using Cairn.Primitives;

namespace Cairn.Documents.Tests.Operations;

/// <summary>A dictionary keyspace for transcripts; string values stand in for "another type" (WRONGTYPE).</summary>
internal sealed class InMemoryJsonKeyspace : IJsonKeyspace, ISearchKeyspace
{
    private readonly Dictionary<byte[], object> _keys = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], long> _expiries = new(ByteArrayComparer.Instance);

    public SearchIndexRegistry Registry { get; } = new();

    /// <summary>Logical time for expiries.</summary>
    public long Now { get; set; }

    public void Expire(string key, long at) => _expiries[Encoding.UTF8.GetBytes(key)] = at;

    /// <summary>Active expiry: reclaims every expired key, as the keyspace's expiry cycle would.</summary>
    public void ReclaimExpired()
    {
        var expired = new List<byte[]>();
        foreach (var (key, at) in _expiries)
        {
            if (at <= Now)
            {
                expired.Add(key);
            }
        }
        foreach (var key in expired)
        {
            DeleteKey(key);
        }
    }

    public List<byte[]> SnapshotJsonKeys()
    {
        var keys = new List<byte[]>();
        foreach (var (key, value) in _keys)
        {
            if (value is JsonValue)
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    public JsonValue? GetDocument(byte[] key) => IsLive(key) ? GetDocument(key, out _) : null;

    public bool IsLive(byte[] key) => _keys.ContainsKey(key) && (!_expiries.TryGetValue(key, out long at) || at > Now);

    public string Ft(string line)
    {
        var parts = Split(line);
        var args = new List<ReadOnlyMemory<byte>>();
        for (int i = 1; i < parts.Count; i++)
        {
            args.Add(Encoding.UTF8.GetBytes(parts[i]));
        }
        return FtCommandDispatcher.Execute(parts[0], args, Registry, this).ToString();
    }

    public Action<byte[], JsonValue>? OnStored { get; set; }

    public Action<byte[]>? OnDeleted { get; set; }

    public void SetString(string key, string value) => _keys[Encoding.UTF8.GetBytes(key)] = value;

    public bool Exists(string key) => _keys.ContainsKey(Encoding.UTF8.GetBytes(key));

    public JsonValue? GetDocument(byte[] key, out bool wrongType)
    {
        wrongType = false;
        if (_expiries.TryGetValue(key, out long at) && at <= Now)
        {
            DeleteKey(key);
            return null;
        }
        if (!_keys.TryGetValue(key, out var value))
        {
            return null;
        }
        wrongType = value is not JsonValue;
        return value as JsonValue;
    }

    public void StoreDocument(byte[] key, JsonValue document)
    {
        _keys[key] = document;
        Registry.OnDocumentWritten(key, document);
        OnStored?.Invoke(key, document);
    }

    public void DeleteKey(byte[] key)
    {
        _keys.Remove(key);
        _expiries.Remove(key);
        Registry.OnKeyDeleted(key);
        OnDeleted?.Invoke(key);
    }

    /// <summary>Runs one command line; arguments are split on spaces, single quotes group (as in redis-cli).</summary>
    public string Run(string line)
    {
        var parts = Split(line);
        var args = new List<ReadOnlyMemory<byte>>();
        for (int i = 1; i < parts.Count; i++)
        {
            args.Add(Encoding.UTF8.GetBytes(parts[i]));
        }
        return JsonCommandDispatcher.Execute(parts[0], args, this).ToString();
    }

    public static List<string> Split(string line)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        bool any = false;
        foreach (char c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any || current.Length > 0)
                {
                    parts.Add(current.ToString());
                }
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
            }
        }
        if (any || current.Length > 0)
        {
            parts.Add(current.ToString());
        }
        return parts;
    }
}
