using System.Buffers;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>Serialises one data type's values for snapshots (docs/formats/snapshot.md lists each type's layout).</summary>
public interface IValueCodec
{
    DataType Type { get; }

    void Write(object value, IBufferWriter<byte> output);

    /// <summary>Decodes a value; throws <see cref="InvalidDataException"/> when the bytes are not a valid value.</summary>
    object Read(ReadOnlySpan<byte> data);
}
