using System.Buffers.Binary;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// A verified, decompressed block. Immutable once built, so one instance is shared by the cache and every iterator.
/// Invariant: the restart array lies within the data and every restart offset is below <see cref="RestartsOffset"/>.
/// </summary>
internal sealed class Block
{
    public Block(byte[] data, int length, string filePath, long fileOffset)
    {
        Data = data;
        Length = length;
        FilePath = filePath;
        FileOffset = fileOffset;
        if (length < 4)
        {
            throw new CorruptionException(filePath, fileOffset, "block too short for its restart count");
        }
        RestartCount = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(length - 4));
        long restartsOffset = length - 4 - (4L * RestartCount);
        if (RestartCount <= 0 || restartsOffset < 0)
        {
            throw new CorruptionException(filePath, fileOffset, "bad restart count");
        }
        RestartsOffset = (int)restartsOffset;
    }

    public byte[] Data { get; }

    public int Length { get; }

    public string FilePath { get; }

    public long FileOffset { get; }

    public int RestartCount { get; }

    public int RestartsOffset { get; }

    /// <summary>What the block costs the memory budget.</summary>
    public int ChargeBytes => Data.Length + 64;

    public int RestartPoint(int index)
    {
        int offset = BinaryPrimitives.ReadInt32LittleEndian(Data.AsSpan(RestartsOffset + (4 * index)));
        if ((uint)offset >= (uint)Math.Max(RestartsOffset, 1))
        {
            throw new CorruptionException(FilePath, FileOffset, "restart point outside the block");
        }
        return offset;
    }

    public BlockIterator NewIterator() => new(this);
}
