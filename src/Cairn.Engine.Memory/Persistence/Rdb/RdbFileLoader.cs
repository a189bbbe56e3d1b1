using System.Buffers.Binary;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Loads a dump.rdb written by Redis (RDB versions 1 to 11; Redis 7.0 writes 10) into an empty store: AUX fields and
/// RESIZEDB hints are read and ignored, SELECTDB/EXPIRETIME(_MS)/FREQ/IDLE apply to the next key, Redis 7.0 function
/// libraries (FUNCTION2) are skipped and counted, module data and streams are refused, and the CRC64 after EOF is checked
/// (0 = written with rdbchecksum no). Keys already expired are skipped, as a Redis master does; empty containers are
/// skipped, as Redis does. Any damage throws <see cref="InvalidDataException"/> naming the file and offset.
/// The whole file is read into memory first.
/// </summary>
public static class RdbFileLoader
{
    private static ReadOnlySpan<byte> Magic => "REDIS"u8;

    /// <summary>True when the file starts with Redis's "REDIS" magic (as opposed to Cairn's own snapshot).</summary>
    public static bool IsRdbFile(IFileSystem fileSystem, string path)
    {
        using IRandomAccessFile file = fileSystem.OpenRandomAccess(path);
        Span<byte> head = stackalloc byte[5];
        return file.Length >= 5 && file.Read(0, head) == 5 && head.SequenceEqual(Magic);
    }

    public static RdbLoadResult Load(MemoryStore store, IFileSystem fileSystem, string path, long nowMilliseconds)
    {
        byte[] data;
        using (IRandomAccessFile file = fileSystem.OpenRandomAccess(path))
        {
            if (file.Length > int.MaxValue)
            {
                throw new InvalidDataException($"{path} at offset 0: RDB files over 2 GB are not supported");
            }
            data = new byte[file.Length];
            int total = 0;
            while (total < data.Length)
            {
                int n = file.Read(total, data.AsSpan(total));
                if (n <= 0)
                {
                    break;
                }
                total += n;
            }
            if (total != data.Length)
            {
                throw new InvalidDataException($"{path} at offset {total}: short read");
            }
        }
        try
        {
            return Load(store, data, nowMilliseconds);
        }
        catch (RdbFormatException e)
        {
            throw new InvalidDataException($"{path} at offset {e.Offset}: {e.Reason}", e);
        }
    }

    /// <summary>Loads RDB file bytes; throws <see cref="RdbFormatException"/> on damage.</summary>
    public static RdbLoadResult Load(MemoryStore store, ReadOnlyMemory<byte> data, long nowMilliseconds)
    {
        var input = new RdbInput(data);
        if (data.Length < 9 || !data.Span[..5].SequenceEqual(Magic))
        {
            throw input.Fail("not a Redis RDB file (no REDIS magic)");
        }
        int version = 0;
        foreach (byte digit in data.Span[5..9])
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                throw new RdbFormatException(5, "bad RDB version digits");
            }
            version = version * 10 + (digit - '0');
        }
        if (version < 1 || version > RdbOpcode.MaxReadableVersion)
        {
            throw new RdbFormatException(5, $"unsupported RDB version {version}");
        }
        input.Position = 9;
        Database db = store[0];
        long expiresAt = 0;
        long frequency = -1;
        long idle = -1;
        long keys = 0;
        int functions = 0;
        while (true)
        {
            int at = input.Position;
            byte type = input.ReadByte();
            switch (type)
            {
                case RdbOpcode.ExpireTimeMilliseconds:
                    expiresAt = BinaryPrimitives.ReadInt64LittleEndian(input.ReadBytes(8));
                    continue;
                case RdbOpcode.ExpireTimeSeconds:
                    expiresAt = BinaryPrimitives.ReadInt32LittleEndian(input.ReadBytes(4)) * 1000L;
                    continue;
                case RdbOpcode.Frequency:
                    frequency = input.ReadByte();
                    continue;
                case RdbOpcode.Idle:
                    idle = (long)Math.Min(input.ReadLength(out _), long.MaxValue);
                    continue;
                case RdbOpcode.SelectDb:
                    int index = input.ReadCount();
                    if (index >= store.DatabaseCount)
                    {
                        throw new RdbFormatException(at, $"database {index} out of range (this server has {store.DatabaseCount})");
                    }
                    db = store[index];
                    continue;
                case RdbOpcode.ResizeDb:
                    input.ReadLength(out _);
                    input.ReadLength(out _);
                    continue;
                case RdbOpcode.Aux:
                    input.ReadString();
                    input.ReadString();
                    continue;
                case RdbOpcode.ModuleAux:
                    throw new RdbFormatException(at, "module auxiliary data (written by a Redis module) is not supported");
                case RdbOpcode.Function2:
                    input.ReadString(); // the library's code; Cairn has no functions yet
                    functions++;
                    continue;
                case RdbOpcode.FunctionPreGa:
                    throw new RdbFormatException(at, "functions in the Redis 7.0 release-candidate format are not supported");
                case RdbOpcode.Eof:
                    CheckFooter(input, version, data.Span);
                    return new RdbLoadResult(keys, functions);
            }
            if (!RdbValueReader.IsValueType(type))
            {
                throw new RdbFormatException(at, $"unknown RDB opcode or type {type}");
            }
            int keyAt = input.Position;
            byte[] key = input.ReadString();
            object? value = RdbValueReader.Read(type, input);
            if (value is not null && (expiresAt == 0 || expiresAt > nowMilliseconds))
            {
                if (db.FindRaw(key) >= 0)
                {
                    throw new RdbFormatException(keyAt, $"duplicate key in database {db.Index}");
                }
                int slot = db.Add(key, value, expiresAt);
                RestoredAccess.Apply(ref db.EntryAt(slot), store.Eviction, frequency, idle, nowMilliseconds);
                keys++;
            }
            expiresAt = 0;
            frequency = -1;
            idle = -1;
        }
    }

    private static void CheckFooter(RdbInput input, int version, ReadOnlySpan<byte> data)
    {
        if (version < 5)
        {
            return; // no checksum before RDB 5
        }
        int end = input.Position;
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(input.ReadBytes(8));
        if (stored != 0 && stored != Crc64.Compute(data[..end]))
        {
            throw new RdbFormatException(end, "checksum mismatch");
        }
        if (input.Remaining != 0)
        {
            throw input.Fail("bytes after the end of the RDB file");
        }
    }
}
