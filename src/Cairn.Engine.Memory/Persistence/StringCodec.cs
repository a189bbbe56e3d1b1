using System.Buffers;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>Strings: the bytes as they are.</summary>
internal sealed class StringCodec : IValueCodec
{
    public DataType Type => DataType.String;

    public void Write(object value, IBufferWriter<byte> output) => output.Write((byte[])value);

    public object Read(ReadOnlySpan<byte> data) => data.ToArray();
}
