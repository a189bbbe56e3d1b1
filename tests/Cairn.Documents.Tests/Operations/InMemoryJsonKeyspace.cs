using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Operations;
using Cairn.Primitives;

namespace Cairn.Documents.Tests.Operations;

/// <summary>A dictionary keyspace for transcripts; string values stand in for "another type" (WRONGTYPE).</summary>
internal sealed class InMemoryJsonKeyspace : IJsonKeyspace
{
    private readonly Dictionary<byte[], object> _keys = new(ByteArrayComparer.Instance);

    public Action<byte[], JsonValue>? OnStored { get; set; }

    public Action<byte[]>? OnDeleted { get; set; }

    public void SetString(string key, string value) => _keys[Encoding.UTF8.GetBytes(key)] = value;

    public bool Exists(string key) => _keys.ContainsKey(Encoding.UTF8.GetBytes(key));

    public JsonValue? GetDocument(byte[] key, out bool wrongType)
    {
        wrongType = false;
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
        OnStored?.Invoke(key, document);
    }

    public void DeleteKey(byte[] key)
    {
        _keys.Remove(key);
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
