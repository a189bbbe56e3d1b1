using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence.Rdb;

namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// Streams in Redis's RDB: reads types 15, 19 and 21 (<see cref="StreamRdbReader"/>), writes 19
/// (<see cref="StreamRdbWriter"/>), so DUMP/RESTORE and dump.rdb loading interoperate with Redis 7.0 and 7.2.
/// Registered with <see cref="RdbCodecs"/> by <see cref="StreamCodec.EnsureRegistered"/>. Stateless, thread-safe.
/// </summary>
internal sealed class StreamRdbCodec : IRdbTypeCodec
{
    private static readonly byte[] s_rdbTypes = [RdbType.StreamListpacks, RdbType.StreamListpacks2, RdbType.StreamListpacks3];

    public DataType Type => DataType.Stream;

    public IReadOnlyList<byte> RdbTypes => s_rdbTypes;

    public void Write(DataObject value, RdbOutput output) => StreamRdbWriter.Write((StreamObject)value, output);

    /// <summary>A stream with no entries is still a value (Redis keeps empty streams, e.g. with groups), never null.</summary>
    public DataObject? Read(byte rdbType, RdbInput input) => StreamRdbReader.Read(rdbType, input);
}
