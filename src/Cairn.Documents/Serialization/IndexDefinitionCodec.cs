using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Cairn.Documents.Search;
using Cairn.Primitives;
using static Cairn.Documents.Serialization.JsonDocumentCodec;

namespace Cairn.Documents.Serialization;

/// <summary>
/// The durable encoding of a database's index definitions and aliases (spec: docs/formats/json-document.md). Index contents
/// are not persisted: on load the indexes are recreated from their definitions and backfilled from the keyspace.
/// </summary>
public static class IndexDefinitionCodec
{
    public const byte FormatVersion = 1;

    private const byte SortableFlag = 1;
    private const byte CaseSensitiveFlag = 2;

    public static byte[] Encode(IReadOnlyList<SearchIndexDefinition> definitions, IReadOnlyDictionary<string, string> aliases)
    {
        var body = new ArrayBufferWriter<byte>(256);
        body.Write([FormatVersion]);
        WriteVarint(body, (ulong)definitions.Count);
        foreach (var definition in definitions)
        {
            WriteText(body, definition.Name);
            WriteVarint(body, (ulong)definition.Prefixes.Count);
            foreach (var prefix in definition.Prefixes)
            {
                WriteBytes(body, prefix);
            }
            if (definition.Stopwords is null)
            {
                body.Write([(byte)0]);
            }
            else
            {
                body.Write([(byte)1]);
                WriteVarint(body, (ulong)definition.Stopwords.Count);
                foreach (string word in definition.Stopwords)
                {
                    WriteText(body, word);
                }
            }
            WriteVarint(body, (ulong)definition.Fields.Count);
            foreach (var field in definition.Fields)
            {
                WriteText(body, field.Path);
                WriteText(body, field.Alias);
                body.Write([(byte)field.Type, (byte)((field.Sortable ? SortableFlag : 0) | (field.CaseSensitive ? CaseSensitiveFlag : 0))]);
                WriteVarint(body, field.Separator);
                var span = body.GetSpan(8);
                BinaryPrimitives.WriteDoubleLittleEndian(span, field.Weight);
                body.Advance(8);
            }
        }
        var sortedAliases = new List<KeyValuePair<string, string>>(aliases);
        sortedAliases.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        WriteVarint(body, (ulong)sortedAliases.Count);
        foreach (var (alias, index) in sortedAliases)
        {
            WriteText(body, alias);
            WriteText(body, index);
        }
        var output = new byte[body.WrittenCount + 4];
        body.WrittenSpan.CopyTo(output);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(body.WrittenCount), Crc32C.Mask(Crc32C.Compute(body.WrittenSpan)));
        return output;
    }

    public static bool TryDecode(ReadOnlySpan<byte> record, out List<SearchIndexDefinition> definitions, out Dictionary<string, string> aliases, out string error)
    {
        definitions = [];
        aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        error = "malformed index definitions record";
        if (record.Length < 5)
        {
            return false;
        }
        var body = record[..^4];
        if (Crc32C.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(record[^4..])) != Crc32C.Compute(body))
        {
            error = "index definitions checksum mismatch";
            return false;
        }
        if (body[0] != FormatVersion)
        {
            error = "unknown index definitions format version";
            return false;
        }
        int position = 1;
        if (!TryReadVarint(body, ref position, out ulong count))
        {
            return false;
        }
        for (ulong d = 0; d < count; d++)
        {
            if (!TryReadText(body, ref position, out string name) || !TryReadVarint(body, ref position, out ulong prefixCount))
            {
                return false;
            }
            var prefixes = new List<byte[]>();
            for (ulong p = 0; p < prefixCount; p++)
            {
                if (!TryReadBytes(body, ref position, out var prefix))
                {
                    return false;
                }
                prefixes.Add(prefix);
            }
            if (position >= body.Length)
            {
                return false;
            }
            List<string>? stopwords = null;
            if (body[position++] == 1)
            {
                if (!TryReadVarint(body, ref position, out ulong wordCount))
                {
                    return false;
                }
                stopwords = [];
                for (ulong w = 0; w < wordCount; w++)
                {
                    if (!TryReadText(body, ref position, out string word))
                    {
                        return false;
                    }
                    stopwords.Add(word);
                }
            }
            if (!TryReadVarint(body, ref position, out ulong fieldCount))
            {
                return false;
            }
            var fields = new List<SearchField>();
            for (ulong f = 0; f < fieldCount; f++)
            {
                if (!TryReadText(body, ref position, out string path) || !TryReadText(body, ref position, out string alias) ||
                    body.Length - position < 2)
                {
                    return false;
                }
                var type = (SearchFieldType)body[position++];
                byte flags = body[position++];
                if (!TryReadVarint(body, ref position, out ulong separator) || body.Length - position < 8)
                {
                    return false;
                }
                double weight = BinaryPrimitives.ReadDoubleLittleEndian(body[position..]);
                position += 8;
                if (!SearchIndexDefinitionParser.TryBuildField(path, alias, type, (flags & SortableFlag) != 0, (char)separator,
                        (flags & CaseSensitiveFlag) != 0, weight, out var field, out error))
                {
                    return false;
                }
                fields.Add(field);
            }
            definitions.Add(new SearchIndexDefinition { Name = name, Prefixes = prefixes, Fields = fields, Stopwords = stopwords });
        }
        if (!TryReadVarint(body, ref position, out ulong aliasCount))
        {
            return false;
        }
        for (ulong a = 0; a < aliasCount; a++)
        {
            if (!TryReadText(body, ref position, out string alias) || !TryReadText(body, ref position, out string index))
            {
                return false;
            }
            aliases[alias] = index;
        }
        error = "";
        return position == body.Length;
    }

    private static void WriteText(IBufferWriter<byte> output, string text) => WriteBytes(output, Encoding.UTF8.GetBytes(text));

    private static bool TryReadText(ReadOnlySpan<byte> body, ref int position, out string text)
    {
        text = "";
        if (!TryReadBytes(body, ref position, out var bytes))
        {
            return false;
        }
        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
