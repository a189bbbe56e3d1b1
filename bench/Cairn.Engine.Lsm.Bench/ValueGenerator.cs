using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Bench;

/// <summary>db_bench's RandomGenerator: a 1 MiB pool of data that compresses to about half, handed out in slices.</summary>
internal sealed class ValueGenerator
{
    private readonly byte[] _data = new byte[1024 * 1024];
    private int _position;

    public ValueGenerator(ulong seed)
    {
        var random = new SeededRandom(seed);
        // Each 100-byte piece is 50 random bytes repeated once: LZ4 halves it, as db_bench's compression_ratio=0.5.
        for (int offset = 0; offset < _data.Length; offset += 100)
        {
            int half = Math.Min(50, (_data.Length - offset) / 2);
            for (int i = 0; i < half; i++)
            {
                _data[offset + i] = (byte)(' ' + random.NextInt(95));
            }
            Array.Copy(_data, offset, _data, offset + half, Math.Min(half, _data.Length - offset - half));
        }
    }

    public ReadOnlySpan<byte> Next(int length)
    {
        if (_position + length > _data.Length)
        {
            _position = 0;
        }
        ReadOnlySpan<byte> slice = _data.AsSpan(_position, length);
        _position += length;
        return slice;
    }
}
