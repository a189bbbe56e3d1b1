namespace Cairn.Consensus.Codec;

/// <summary>Reads what <see cref="PayloadWriter"/> wrote. Any malformed input sets <see cref="Failed"/> and yields zeros.</summary>
internal ref struct PayloadReader
{
    private ReadOnlySpan<byte> _remaining;

    public PayloadReader(ReadOnlySpan<byte> payload)
    {
        _remaining = payload;
    }

    public bool Failed { get; private set; }

    public readonly bool AtEnd => _remaining.IsEmpty;

    public void Fail() => Failed = true;

    public byte Byte()
    {
        if (_remaining.IsEmpty)
        {
            Failed = true;
            return 0;
        }
        byte value = _remaining[0];
        _remaining = _remaining[1..];
        return value;
    }

    public ulong Varint()
    {
        int consumed = Primitives.Varint.TryRead(_remaining, out ulong value);
        if (consumed == 0)
        {
            Failed = true;
            return 0;
        }
        _remaining = _remaining[consumed..];
        return value;
    }

    public byte[] Bytes(int maxLength)
    {
        ulong length = Varint();
        if (Failed || length > (ulong)_remaining.Length || length > (ulong)maxLength)
        {
            Failed = true;
            return [];
        }
        byte[] value = _remaining[..(int)length].ToArray();
        _remaining = _remaining[(int)length..];
        return value;
    }
}
