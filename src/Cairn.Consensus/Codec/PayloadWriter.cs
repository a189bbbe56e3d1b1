using System.Buffers;
using Cairn.Primitives;

namespace Cairn.Consensus.Codec;

/// <summary>Appends varints and bytes to a buffer writer. Not thread-safe.</summary>
internal readonly struct PayloadWriter
{
    private readonly IBufferWriter<byte> _output;

    public PayloadWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    public void Byte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public void Varint(ulong value)
    {
        int written = Primitives.Varint.Write(_output.GetSpan(Primitives.Varint.MaxLength64), value);
        _output.Advance(written);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }
}
