using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Reads an AOF file record by record, verifying every CRC. A record cut short by the end of the file is a torn tail;
/// a checksum failure on the last complete record of the file (followed by nothing or by an incomplete record) is also
/// treated as torn (a crash can leave a full-length record of garbage, or garble the end of one record and the start of
/// the next); any other failure is corruption, reported with the file and offset. Zero bytes after the last record, to a
/// 4 KiB boundary that ends the file, are padding (docs/formats/aof.md), not a torn record.
/// </summary>
public static class AofReader
{
    private const int ReadChunkBytes = 1 << 20;

    /// <summary>The block a log written around the page cache pads its last flush to (IFileSystem.CreateLog).</summary>
    private const int PaddingBlock = 4096;

    public static AofReadResult Read(IFileSystem fileSystem, string path, Action<List<(int Database, byte[][] Arguments)>>? apply)
    {
        using IRandomAccessFile file = fileSystem.OpenRandomAccess(path);
        long length = file.Length;
        if (length < AofFormat.HeaderBytes)
        {
            return length == 0
                ? new AofReadResult(AofReadStatus.TornTail, 0, 0, $"{path}: empty file, header missing")
                : new AofReadResult(AofReadStatus.TornTail, 0, 0, $"{path}: truncated header ({length} bytes)");
        }
        Span<byte> header = stackalloc byte[AofFormat.HeaderBytes];
        ReadExactly(file, 0, header);
        if (!header[..8].SequenceEqual(AofFormat.Magic))
        {
            return new AofReadResult(AofReadStatus.Corrupt, 0, 0, $"{path} at offset 0: not a Cairn AOF file (bad magic)");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version is < AofFormat.OldestReadableVersion or > AofFormat.Version)
        {
            return new AofReadResult(AofReadStatus.Corrupt, 0, 0, $"{path} at offset 8: unsupported AOF format version {version}");
        }
        long offset = AofFormat.HeaderBytes;
        long records = 0;
        byte[] buffer = new byte[ReadChunkBytes];
        var commands = new List<(int, byte[][])>();
        Span<byte> recordHeader = stackalloc byte[AofFormat.RecordHeaderBytes];
        while (offset < length)
        {
            if (length - offset < PaddingBlock && IsPadding(file, offset, length))
            {
                break; // even fewer than a header's 8 bytes of it
            }
            if (length - offset < AofFormat.RecordHeaderBytes)
            {
                return new AofReadResult(AofReadStatus.TornTail, offset, records, $"{path} at offset {offset}: incomplete record header");
            }
            ReadExactly(file, offset, recordHeader);
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
            uint maskedCrc = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader[4..]);
            long end = offset + AofFormat.RecordHeaderBytes + payloadLength;
            if (payloadLength > AofFormat.MaxPayloadBytes)
            {
                return Failure(path, offset, records, end >= length, $"record length {payloadLength} exceeds the limit");
            }
            if (end > length)
            {
                return new AofReadResult(AofReadStatus.TornTail, offset, records, $"{path} at offset {offset}: incomplete record ({length - offset} of {end - offset} bytes)");
            }
            if (buffer.Length < payloadLength)
            {
                buffer = new byte[payloadLength];
            }
            Span<byte> payload = buffer.AsSpan(0, (int)payloadLength);
            ReadExactly(file, offset + AofFormat.RecordHeaderBytes, payload);
            if (Crc32C.Compute(payload) != Crc32C.Unmask(maskedCrc))
            {
                return Failure(path, offset, records, end == length || OnlyATornRecordFollows(file, end, length), "checksum mismatch");
            }
            commands.Clear();
            if (!AofFormat.TryDecodePayload(payload, commands, (int)version))
            {
                return new AofReadResult(AofReadStatus.Corrupt, offset, records, $"{path} at offset {offset}: malformed record");
            }
            apply?.Invoke(commands);
            records++;
            offset = end;
        }
        return new AofReadResult(AofReadStatus.Clean, offset, records, null);
    }

    /// <summary>
    /// True when the file ends, on a 4 KiB boundary, in fewer than 4096 zero bytes from <paramref name="offset"/>: the
    /// padding a log written around the page cache leaves after its last flush (IFileSystem.CreateLog). No record has an
    /// empty payload, so a header of eight zero bytes never starts one.
    /// </summary>
    private static bool IsPadding(IRandomAccessFile file, long offset, long length)
    {
        if (length % PaddingBlock != 0 || length - offset >= PaddingBlock)
        {
            return false;
        }
        Span<byte> tail = stackalloc byte[PaddingBlock];
        tail = tail[..(int)(length - offset)];
        ReadExactly(file, offset, tail);
        return !tail.ContainsAnyExcept((byte)0);
    }

    /// <summary>
    /// True when the bytes from <paramref name="offset"/> to the end hold no complete record: a crash that tore the tail
    /// can garble the end of one record and leave the next one's start (a torn sector spans record boundaries).
    /// </summary>
    private static bool OnlyATornRecordFollows(IRandomAccessFile file, long offset, long length)
    {
        if (length - offset < AofFormat.RecordHeaderBytes)
        {
            return true;
        }
        Span<byte> header = stackalloc byte[AofFormat.RecordHeaderBytes];
        ReadExactly(file, offset, header);
        uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return payloadLength > AofFormat.MaxPayloadBytes || offset + AofFormat.RecordHeaderBytes + payloadLength > length;
    }

    private static AofReadResult Failure(string path, long offset, long records, bool isLastRecord, string what) =>
        isLastRecord
            ? new AofReadResult(AofReadStatus.TornTail, offset, records, $"{path} at offset {offset}: {what} in the last record")
            : new AofReadResult(AofReadStatus.Corrupt, offset, records, $"{path} at offset {offset}: {what}");

    private static void ReadExactly(IRandomAccessFile file, long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = file.Read(offset + total, destination[total..]);
            if (n <= 0)
            {
                throw new IOException($"{file.Path}: unexpected end of file at offset {offset + total}");
            }
            total += n;
        }
    }

    /// <summary>Rewrites a file as its first <paramref name="validLength"/> bytes (aof-load-truncated), durably.</summary>
    public static void Truncate(IFileSystem fileSystem, string path, long validLength)
    {
        string temporary = path + ".truncating";
        using (IRandomAccessFile source = fileSystem.OpenRandomAccess(path))
        using (IWritableFile target = fileSystem.CreateWritable(temporary))
        {
            long copied = 0;
            byte[] buffer = new byte[ReadChunkBytes];
            if (validLength < AofFormat.HeaderBytes)
            {
                target.Append(AofFormat.CreateHeader());
                copied = validLength = AofFormat.HeaderBytes;
            }
            while (copied < validLength)
            {
                int n = source.Read(copied, buffer.AsSpan(0, (int)Math.Min(buffer.Length, validLength - copied)));
                if (n <= 0)
                {
                    break;
                }
                target.Append(buffer.AsSpan(0, n));
                copied += n;
            }
            target.Sync();
        }
        fileSystem.Rename(temporary, path);
        fileSystem.SyncDirectory(Path.GetDirectoryName(path) ?? ".");
    }
}
