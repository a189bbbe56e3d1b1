using System.Buffers.Binary;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// The append-only file's record format (docs/formats/aof.md). A file is a 16-byte header (magic "CAIRNAOF", format version,
/// reserved) followed by records: [payload length u32 LE][masked CRC32C of payload u32 LE][payload]. A payload holds one
/// or more commands applied atomically (a MULTI/EXEC block is one record): [varint command count] then per command
/// [varint database][varint argument count] and per argument [varint length][bytes]. From version 2 a payload may
/// instead be a frame run: [varint 0][varint database] then request frames exactly as clients sent them
/// (<see cref="BeginFrameRun"/>).
/// </summary>
public static class AofFormat
{
    /// <summary>The version new files are written in. Version 1 files (no frame runs) are still read.</summary>
    public const int Version = 2;

    /// <summary>The oldest format version the reader accepts.</summary>
    public const int OldestReadableVersion = 1;
    public const int HeaderBytes = 16;
    public const int RecordHeaderBytes = 8;

    /// <summary>A record's database index above this is malformed (no configuration has that many databases).</summary>
    private const ulong MaxDatabaseIndex = 1_000_000;

    /// <summary>Largest payload accepted when reading: a bound so a corrupt length cannot make recovery allocate wildly.</summary>
    public const int MaxPayloadBytes = 1 << 30;

    public static ReadOnlySpan<byte> Magic => "CAIRNAOF"u8;

    public static byte[] CreateHeader()
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        return header;
    }

    /// <summary>Encodes commands (database, arguments) as one record, header included.</summary>
    public static byte[] EncodeRecord(IReadOnlyList<(int Database, IReadOnlyList<ReadOnlyMemory<byte>> Arguments)> commands)
    {
        int size = Varint.SizeOf((ulong)commands.Count);
        foreach ((int database, IReadOnlyList<ReadOnlyMemory<byte>> arguments) in commands)
        {
            size += Varint.SizeOf((ulong)database) + Varint.SizeOf((ulong)arguments.Count);
            foreach (ReadOnlyMemory<byte> argument in arguments)
            {
                size += ArgumentSize(argument.Length);
            }
        }
        var record = new byte[RecordHeaderBytes + size];
        int pos = RecordHeaderBytes + Varint.Write(record.AsSpan(RecordHeaderBytes), (ulong)commands.Count);
        foreach ((int database, IReadOnlyList<ReadOnlyMemory<byte>> arguments) in commands)
        {
            pos += Varint.Write(record.AsSpan(pos), (ulong)database);
            pos += Varint.Write(record.AsSpan(pos), (ulong)arguments.Count);
            foreach (ReadOnlyMemory<byte> argument in arguments)
            {
                pos = WriteArgument(record, pos, argument.Span);
            }
        }
        Invariant.Require(pos == record.Length, "AOF record size mismatch");
        Seal(record);
        return record;
    }

    /// <summary>Encoded size of one argument.</summary>
    public static int ArgumentSize(int length) => VarintSize(length) + length;

    /// <summary>Size of a record holding one command whose arguments' <see cref="ArgumentSize"/> sum to <paramref name="argumentsSize"/>.</summary>
    public static int SingleCommandRecordSize(int database, int argumentCount, int argumentsSize) =>
        RecordHeaderBytes + 1 + VarintSize(database) + VarintSize(argumentCount) + argumentsSize;

    /// <summary><see cref="Varint.SizeOf"/> of a non-negative int, with the one-byte case (nearly every length) inline.</summary>
    private static int VarintSize(int value) => (uint)value < 0x80 ? 1 : Varint.SizeOf((ulong)value);

    /// <summary><see cref="Varint.Write"/> of a non-negative int, with the one-byte case inline.</summary>
    private static int WriteVarint(Span<byte> destination, int pos, int value)
    {
        if ((uint)value < 0x80)
        {
            destination[pos] = (byte)value;
            return pos + 1;
        }
        return pos + Varint.Write(destination[pos..], (ulong)value);
    }

    /// <summary>
    /// Starts a one-command record in <paramref name="record"/> (sized by <see cref="SingleCommandRecordSize"/>); returns
    /// the position of the first argument. Write the arguments with <see cref="WriteArgument"/>, then <see cref="Seal"/>
    /// (or <see cref="WriteLength"/> when the record goes to <see cref="AofWriter"/>, which seals what it writes).
    /// </summary>
    public static int BeginSingleCommand(Span<byte> record, int database, int argumentCount)
    {
        record[RecordHeaderBytes] = 1; // command count
        return WriteVarint(record, WriteVarint(record, RecordHeaderBytes + 1, database), argumentCount);
    }

    /// <summary>Size of a frame-run record holding <paramref name="frameBytes"/> bytes of request frames.</summary>
    public static int FrameRunRecordSize(int database, int frameBytes) => RecordHeaderBytes + 1 + VarintSize(database) + frameBytes;

    /// <summary>
    /// Starts a frame-run record (sized by <see cref="FrameRunRecordSize"/>): a pipelined run of commands of one
    /// database, logged as the client sent them, one copy for the run. Returns where the frames go.
    /// </summary>
    public static int BeginFrameRun(Span<byte> record, int database)
    {
        record[RecordHeaderBytes] = 0; // no command count: a frame run
        return WriteVarint(record, RecordHeaderBytes + 1, database);
    }

    /// <summary>Writes one argument at <paramref name="pos"/>; returns the position after it.</summary>
    public static int WriteArgument(Span<byte> record, int pos, ReadOnlySpan<byte> argument)
    {
        pos = WriteVarint(record, pos, argument.Length);
        argument.CopyTo(record[pos..]);
        return pos + argument.Length;
    }

    /// <summary>Fills in the record header: the payload's length and masked CRC32C.</summary>
    public static void Seal(Span<byte> record)
    {
        ReadOnlySpan<byte> payload = record[RecordHeaderBytes..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Mask(Crc32C.Compute(payload)));
    }

    /// <summary>
    /// Fills in only the payload length of a record's header, leaving its CRC to <see cref="SealAll"/>: what a command
    /// does under the store lock, so the checksum is computed by the AOF thread, off the lock.
    /// </summary>
    public static void WriteLength(Span<byte> record) =>
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(record.Length - RecordHeaderBytes));

    /// <summary>
    /// Seals every record of <paramref name="records"/>, a run of whole records whose lengths are written
    /// (<see cref="WriteLength"/> or <see cref="Seal"/>). Returns the number of records.
    /// </summary>
    public static int SealAll(Span<byte> records)
    {
        int count = 0;
        int pos = 0;
        while (pos < records.Length)
        {
            Invariant.Require(records.Length - pos >= RecordHeaderBytes, "AOF buffer ends inside a record header");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(records[pos..]);
            Invariant.Require(length <= (uint)(records.Length - pos - RecordHeaderBytes), "AOF record overruns its buffer");
            Span<byte> record = records.Slice(pos, RecordHeaderBytes + (int)length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Mask(Crc32C.Compute(record[RecordHeaderBytes..])));
            pos += record.Length;
            count++;
        }
        return count;
    }

    /// <summary>Decodes a payload whose CRC was verified. Returns false when its structure is invalid.</summary>
    /// <param name="version">The format version of the file the payload comes from.</param>
    public static bool TryDecodePayload(ReadOnlySpan<byte> payload, List<(int Database, byte[][] Arguments)> commands, int version = Version)
    {
        int pos = Varint.TryRead(payload, out ulong count);
        if (pos == 0 || count > (ulong)payload.Length)
        {
            return false;
        }
        if (count == 0)
        {
            return version >= 2 && TryDecodeFrameRun(payload[pos..], commands);
        }
        for (ulong c = 0; c < count; c++)
        {
            int n = Varint.TryRead(payload[pos..], out ulong database);
            if (n == 0 || database > MaxDatabaseIndex)
            {
                return false;
            }
            pos += n;
            n = Varint.TryRead(payload[pos..], out ulong argc);
            if (n == 0 || argc == 0 || argc > (ulong)(payload.Length - pos))
            {
                return false;
            }
            pos += n;
            var arguments = new byte[argc][];
            for (ulong a = 0; a < argc; a++)
            {
                n = Varint.TryRead(payload[pos..], out ulong length);
                if (n == 0 || length > (ulong)(payload.Length - pos - n))
                {
                    return false;
                }
                pos += n;
                arguments[a] = payload.Slice(pos, (int)length).ToArray();
                pos += (int)length;
            }
            commands.Add(((int)database, arguments));
        }
        return pos == payload.Length;
    }

    /// <summary>
    /// Decodes a frame run's body: [varint database] then one or more multibulk frames. A frame is read exactly as
    /// RequestParser.TrySkipFrame accepted it from the client (the only source of these records): '*', the argument
    /// count, then per argument '$', the length and the bytes, the numbers read by the same
    /// <see cref="IntegerText.TryReadPlainHeader"/>, and an argument followed by two bytes.
    /// </summary>
    private static bool TryDecodeFrameRun(ReadOnlySpan<byte> body, List<(int Database, byte[][] Arguments)> commands)
    {
        int pos = Varint.TryRead(body, out ulong database);
        if (pos == 0 || database > MaxDatabaseIndex || pos == body.Length)
        {
            return false;
        }
        while (pos < body.Length)
        {
            if (body[pos++] != '*' || !IntegerText.TryReadPlainHeader(body, ref pos, out long argc) || argc == 0
                || argc > body.Length - pos)
            {
                return false;
            }
            var arguments = new byte[argc][];
            for (long a = 0; a < argc; a++)
            {
                if (pos >= body.Length || body[pos++] != '$' || !IntegerText.TryReadPlainHeader(body, ref pos, out long length)
                    || length + 2 > body.Length - pos)
                {
                    return false;
                }
                arguments[a] = body.Slice(pos, (int)length).ToArray();
                pos += (int)length + 2;
            }
            commands.Add(((int)database, arguments));
        }
        return true;
    }
}
