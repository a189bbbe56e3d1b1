using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Registered <see cref="IRdbTypeCodec"/>s, by Cairn data type and by RDB type byte. Register at start-up before any
/// DUMP, RESTORE or load; reads afterwards are thread-safe.
/// </summary>
public static class RdbCodecs
{
    private static readonly IRdbTypeCodec?[] s_byDataType = new IRdbTypeCodec?[256];
    private static readonly IRdbTypeCodec?[] s_byRdbType = new IRdbTypeCodec?[256];

    public static void Register(IRdbTypeCodec codec)
    {
        s_byDataType[(int)codec.Type] = codec;
        foreach (byte rdbType in codec.RdbTypes)
        {
            s_byRdbType[rdbType] = codec;
        }
    }

    public static IRdbTypeCodec? ForDataType(DataType type) => s_byDataType[(int)type];

    public static IRdbTypeCodec? ForRdbType(byte rdbType) => s_byRdbType[rdbType];
}
