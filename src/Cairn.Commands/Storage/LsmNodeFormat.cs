using System.Buffers.Binary;
using System.IO.Hashing;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Storage;

/// <summary>
/// How a storage-lsm node lays its keyspace out in the LSM (docs/formats/lsm-node.md). Every LSM key starts with a family
/// byte, then the physical database (uint16 big-endian, so a database is one contiguous range):
/// <list type="bullet">
/// <item>data <c>'k' db hash key</c>: hash = XxHash64(key) &gt;&gt; 1 as uint64 big-endian, so keys sort by hash and SCAN's
/// cursor is a hash position; value = <c>version(u8) type(u8) expiresAt(i64 LE, 0 = none) payload</c>, payload as the
/// type's snapshot codec writes it.</item>
/// <item>expiry index <c>'x' db expiresAt(i64 BE) key</c>, empty value: active expiry reads the due keys in order.</item>
/// <item>resident index <c>'p' db key</c>, empty value: keys whose type must stay in memory (time series, JSON), loaded at start.</item>
/// <item>metadata <c>'m' name</c>: format version, the logical-to-physical database map, per-database key counts.</item>
/// </list>
/// Durability and integrity come from the LSM (WAL records and table blocks carry CRC32C).
/// </summary>
public static class LsmNodeFormat
{
    /// <summary>Version of this layout; stored under the "version" metadata key and checked at open.</summary>
    public const uint Version = 1;

    /// <summary>First byte of every stored value.</summary>
    public const byte ValueVersion = 1;

    public const int ValueHeaderBytes = 10;

    public const byte DataFamily = (byte)'k';
    public const byte ExpiryFamily = (byte)'x';
    public const byte ResidentFamily = (byte)'p';
    public const byte MetaFamily = (byte)'m';

    public static ReadOnlySpan<byte> VersionKey => "mversion"u8;

    public static ReadOnlySpan<byte> DatabaseMapKey => "mdbmap"u8;

    /// <summary>'m' "count" db(u16 BE) -> keys (i64 LE), volatile keys (i64 LE).</summary>
    public static byte[] CountKey(int physical)
    {
        var key = new byte[8];
        "mcount"u8.CopyTo(key);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(6), (ushort)physical);
        return key;
    }

    /// <summary>The hash that orders keys within a database (63 bits, so a cursor fits a signed 64-bit integer).</summary>
    public static ulong HashOf(ReadOnlySpan<byte> key) => XxHash64.HashToUInt64(key) >> 1;

    public static byte[] DataKey(int physical, ReadOnlySpan<byte> key)
    {
        var result = new byte[11 + key.Length];
        result[0] = DataFamily;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)physical);
        BinaryPrimitives.WriteUInt64BigEndian(result.AsSpan(3), HashOf(key));
        key.CopyTo(result.AsSpan(11));
        return result;
    }

    /// <summary>The first data key at or after hash position <paramref name="hash"/> in a database.</summary>
    public static byte[] DataPosition(int physical, ulong hash)
    {
        var result = new byte[11];
        result[0] = DataFamily;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)physical);
        BinaryPrimitives.WriteUInt64BigEndian(result.AsSpan(3), hash);
        return result;
    }

    public static ulong HashOfDataKey(ReadOnlySpan<byte> dataKey) => BinaryPrimitives.ReadUInt64BigEndian(dataKey[3..]);

    public static ReadOnlySpan<byte> UserKeyOfDataKey(ReadOnlySpan<byte> dataKey) => dataKey[11..];

    public static byte[] ExpiryKey(int physical, long expiresAtMilliseconds, ReadOnlySpan<byte> key)
    {
        var result = new byte[11 + key.Length];
        result[0] = ExpiryFamily;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)physical);
        BinaryPrimitives.WriteInt64BigEndian(result.AsSpan(3), expiresAtMilliseconds);
        key.CopyTo(result.AsSpan(11));
        return result;
    }

    public static long ExpiryOfExpiryKey(ReadOnlySpan<byte> expiryKey) => BinaryPrimitives.ReadInt64BigEndian(expiryKey[3..]);

    public static ReadOnlySpan<byte> UserKeyOfExpiryKey(ReadOnlySpan<byte> expiryKey) => expiryKey[11..];

    public static byte[] ResidentKey(int physical, ReadOnlySpan<byte> key)
    {
        var result = new byte[3 + key.Length];
        result[0] = ResidentFamily;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)physical);
        key.CopyTo(result.AsSpan(3));
        return result;
    }

    /// <summary>[family db, family db+1): every key of one family in one physical database.</summary>
    public static (byte[] Start, byte[] End) FamilyRange(byte family, int physical)
    {
        var start = new byte[3];
        var end = new byte[3];
        start[0] = family;
        end[0] = family;
        BinaryPrimitives.WriteUInt16BigEndian(start.AsSpan(1), (ushort)physical);
        BinaryPrimitives.WriteUInt16BigEndian(end.AsSpan(1), (ushort)(physical + 1));
        if (physical == ushort.MaxValue)
        {
            end = [(byte)(family + 1)];
        }
        return (start, end);
    }

    public static void WriteValueHeader(Span<byte> destination, DataType type, long expiresAtMilliseconds)
    {
        destination[0] = ValueVersion;
        destination[1] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], expiresAtMilliseconds);
    }

    /// <summary>Reads a stored value's header; false when it is not one this version wrote.</summary>
    public static bool TryReadValueHeader(ReadOnlySpan<byte> stored, out DataType type, out long expiresAtMilliseconds)
    {
        if (stored.Length < ValueHeaderBytes || stored[0] != ValueVersion)
        {
            type = DataType.None;
            expiresAtMilliseconds = 0;
            return false;
        }
        type = (DataType)stored[1];
        expiresAtMilliseconds = BinaryPrimitives.ReadInt64LittleEndian(stored[2..]);
        return true;
    }

    /// <summary>Whether a type's values must stay in memory: their indexes (TS labels, search) live in memory only.</summary>
    public static bool MustStayResident(DataType type) => type is DataType.TimeSeries or DataType.Json;
}
