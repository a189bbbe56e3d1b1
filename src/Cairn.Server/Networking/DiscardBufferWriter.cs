using System.Buffers;

namespace Cairn.Server.Networking;

/// <summary>Swallows replies while CLIENT REPLY OFF|SKIP is in force.</summary>
internal sealed class DiscardBufferWriter : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[4096];

    public void Advance(int count)
    {
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).Span;

    private Memory<byte> Ensure(int sizeHint)
    {
        if (_buffer.Length < sizeHint)
        {
            _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
        }
        return _buffer;
    }
}
