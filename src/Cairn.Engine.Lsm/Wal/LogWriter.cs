using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Wal;

/// <summary>
/// Appends records to a log file, fragmenting them across 32 KiB blocks so that a reader can resynchronise at the next block
/// after damage. Thread safety: one writer at a time (the database's group-commit leader or the manifest writer).
/// </summary>
internal sealed class LogWriter : IDisposable
{
    private static readonly byte[] s_padding = new byte[LogFormat.HeaderBytes];

    private readonly IWritableFile _file;
    private readonly byte[] _header = new byte[LogFormat.HeaderBytes];
    private int _blockOffset;

    public LogWriter(IWritableFile file, ReadOnlySpan<byte> magic)
    {
        Invariant.Require(file.Length == 0, "a log starts empty");
        _file = file;
        Span<byte> header = stackalloc byte[12];
        magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], LogFormat.Version);
        EmitPhysicalRecord(RecordType.FileHeader, header);
    }

    public long LengthBytes => _file.Length;

    public void AddRecord(ReadOnlySpan<byte> record)
    {
        bool begin = true;
        do
        {
            int leftover = LogFormat.BlockSizeBytes - _blockOffset;
            if (leftover < LogFormat.HeaderBytes)
            {
                if (leftover > 0)
                {
                    _file.Append(s_padding.AsSpan(0, leftover));
                }
                _blockOffset = 0;
                leftover = LogFormat.BlockSizeBytes;
            }
            int available = leftover - LogFormat.HeaderBytes;
            int fragmentLength = Math.Min(record.Length, available);
            bool end = fragmentLength == record.Length;
            RecordType type = begin && end ? RecordType.Full : begin ? RecordType.First : end ? RecordType.Last : RecordType.Middle;
            EmitPhysicalRecord(type, record[..fragmentLength]);
            record = record[fragmentLength..];
            begin = false;
        }
        while (!record.IsEmpty);
    }

    public void Flush() => _file.Flush();

    public void Sync() => _file.Sync();

    /// <summary>Fsyncs what <see cref="Flush"/> handed to the OS; may run concurrently with appends (group commit).</summary>
    public void SyncFlushed() => _file.SyncFlushed();

    public void Dispose() => _file.Dispose();

    private void EmitPhysicalRecord(RecordType type, ReadOnlySpan<byte> payload)
    {
        Invariant.Require(payload.Length <= 0xFFFF, "fragment fits the length field");
        uint crc = Crc32C.Append(Crc32C.Compute([(byte)type]), payload);
        BinaryPrimitives.WriteUInt32LittleEndian(_header, Crc32C.Mask(crc));
        BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(4), (ushort)payload.Length);
        _header[6] = (byte)type;
        _file.Append(_header);
        _file.Append(payload);
        _blockOffset += LogFormat.HeaderBytes + payload.Length;
    }
}
