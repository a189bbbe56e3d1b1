using System.Buffers;
using Cairn.Documents.Json;
using Cairn.Documents.Serialization;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;

namespace Cairn.Commands.Json;

/// <summary>Snapshot codec of JSON keys: the library's <see cref="JsonDocumentCodec"/> record (docs/formats/snapshot.md).</summary>
public sealed class JsonValueCodec : IValueCodec
{
    /// <summary>Registers the codec (idempotent): the server does it when a ServerContext is built, offline tools before reading.</summary>
    public static void Register() => ValueCodecs.Register(new JsonValueCodec());

    public DataType Type => DataType.Json;

    public void Write(object value, IBufferWriter<byte> output) => output.Write(JsonDocumentCodec.Encode(((JsonDocumentObject)value).Root));

    public object Read(ReadOnlySpan<byte> data)
    {
        if (!JsonDocumentCodec.TryDecode(data, out JsonValue document, out int consumed, out string error))
        {
            throw new InvalidDataException("bad JSON document: " + error);
        }
        if (consumed != data.Length)
        {
            throw new InvalidDataException("trailing bytes after the JSON document");
        }
        return new JsonDocumentObject(document);
    }
}
