using System.Buffers;
using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Wal;

/// <summary>
/// Reads the records of a log written by <see cref="LogWriter"/>, verifying each fragment's CRC32C. A damaged fragment is
/// reported (<see cref="LogReadResult.Corrupted"/>) and the reader resynchronises at the next block; a record cut short by the
/// end of the file is a torn tail and reads as <see cref="LogReadResult.EndOfFile"/> with <see cref="TornTail"/> set.
/// Thread safety: one thread.
/// </remarks>
internal sealed class LogReader
{
    private readonly IRandomAccessFile _file;
    private readonly byte[] _block = new byte[LogFormat.BlockSizeBytes];
    private readonly ArrayBufferWriter<byte> _assembly = new();
    private long _blockStart;
    private int _blockLength;
    private int _blockPosition;
    private bool _endOfFile;
    private bool _headerChecked;

    public LogReader(IRandomAccessFile file) => _file = file;

    public long ProblemOffset { get; private set; }

    public string ProblemReason { get; private set; } = "";

    /// <summary>The file ended inside a record: the last write was not completed (or not synced) before a crash.</summary>
    public bool TornTail { get; private set; }

    /// <summary>Offset just after the last complete record read.</summary>
    public long LastRecordEndOffset { get; private set; }

    /// <summary>Reads the next logical record into <paramref name="record"/>, valid until the next call.</summary>
    public LogReadResult ReadRecord(ReadOnlySpan<byte> expectedMagic, out ReadOnlyMemory<byte> record)
    {
        record = default;
        if (!_headerChecked)
        {
            _headerChecked = true;
            LogReadResult header = ReadPhysical(out RecordType type, out ReadOnlySpan<byte> payload, out long offset);
            if (header == LogReadResult.EndOfFile)
            {
                return header;
            }
            if (header == LogReadResult.Corrupted || type != RecordType.FileHeader || payload.Length != 12
                || !payload[..8].SequenceEqual(expectedMagic))
            {
                return Problem(offset, header == LogReadResult.Corrupted ? ProblemReason : "missing or foreign file header");
            }
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
            if (version != LogFormat.Version)
            {
                throw new CorruptionException(_file.Path, offset, $"unsupported log format version {version}");
            }
        }
        _assembly.ResetWrittenCount();
        bool inFragmentedRecord = false;
        long recordStart = 0;
        while (true)
        {
            LogReadResult result = ReadPhysical(out RecordType type, out ReadOnlySpan<byte> payload, out long offset);
            if (result != LogReadResult.Record)
            {
                if (result == LogReadResult.EndOfFile && inFragmentedRecord)
                {
                    TornTail = true;
                }
                return result;
            }
            switch (type)
            {
                case RecordType.Full:
                    if (inFragmentedRecord)
                    {
                        return Problem(recordStart, "partial record without end");
                    }
                    _assembly.Write(payload);
                    record = _assembly.WrittenMemory;
                    LastRecordEndOffset = _blockStart + _blockPosition;
                    return LogReadResult.Record;
                case RecordType.First:
                    if (inFragmentedRecord)
                    {
                        return Problem(recordStart, "partial record without end");
                    }
                    inFragmentedRecord = true;
                    recordStart = offset;
                    _assembly.Write(payload);
                    break;
                case RecordType.Middle:
                    if (!inFragmentedRecord)
                    {
                        return Problem(offset, "missing start of fragmented record");
                    }
                    _assembly.Write(payload);
                    break;
                case RecordType.Last:
                    if (!inFragmentedRecord)
                    {
                        return Problem(offset, "missing start of fragmented record");
                    }
                    _assembly.Write(payload);
                    record = _assembly.WrittenMemory;
                    LastRecordEndOffset = _blockStart + _blockPosition;
                    return LogReadResult.Record;
                default:
                    return Problem(offset, $"unknown record type {(byte)type}");
            }
        }
    }

    private LogReadResult Problem(long offset, string reason)
    {
        ProblemOffset = offset;
        ProblemReason = reason;
        return LogReadResult.Corrupted;
    }

    private LogReadResult ReadPhysical(out RecordType type, out ReadOnlySpan<byte> payload, out long offset)
    {
        type = RecordType.Zero;
        payload = default;
        while (true)
        {
            offset = _blockStart + _blockPosition;
            int remaining = _blockLength - _blockPosition;
            if (remaining < LogFormat.HeaderBytes)
            {
                if (_endOfFile)
                {
                    if (remaining > 0)
                    {
                        TornTail = true;
                    }
                    return LogReadResult.EndOfFile;
                }
                // Trailing bytes of a block shorter than a header are padding.
                _blockStart += _blockLength;
                _blockLength = _file.Read(_blockStart, _block);
                _blockPosition = 0;
                _endOfFile = _blockLength < LogFormat.BlockSizeBytes;
                continue;
            }
            ReadOnlySpan<byte> header = _block.AsSpan(_blockPosition, LogFormat.HeaderBytes);
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            type = (RecordType)header[6];
            if (LogFormat.HeaderBytes + length > remaining)
            {
                _blockPosition = _blockLength;
                if (_endOfFile)
                {
                    TornTail = true;
                    return LogReadResult.EndOfFile;
                }
                return Problem(offset, "record length beyond its block");
            }
            if (type == RecordType.Zero && length == 0)
            {
                // Zeroed space (preallocation or a torn block): nothing more in this block.
                _blockPosition = _blockLength;
                if (_endOfFile)
                {
                    TornTail = true;
                    return LogReadResult.EndOfFile;
                }
                return Problem(offset, "zeroed record header");
            }
            payload = _block.AsSpan(_blockPosition + LogFormat.HeaderBytes, length);
            uint crc = Crc32C.Append(Crc32C.Compute([(byte)type]), payload);
            if (Crc32C.Unmask(storedCrc) != crc)
            {
                // Trust the length for resynchronisation: if it was the damaged field, the next header fails its own
                // checksum too and the rest of the block is skipped. This tells damage followed by good records (real
                // corruption) from damage at the very end (a torn tail).
                _blockPosition += LogFormat.HeaderBytes + length;
                return Problem(offset, "checksum mismatch");
            }
            _blockPosition += LogFormat.HeaderBytes + length;
            return LogReadResult.Record;
        }
    }
}
