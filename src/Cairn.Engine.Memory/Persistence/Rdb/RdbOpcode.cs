namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>Redis's RDB file opcodes (rdb.h, RDB_OPCODE_*), and the format's fixed numbers.</summary>
public static class RdbOpcode
{
    public const byte Function2 = 245;
    public const byte FunctionPreGa = 246;
    public const byte ModuleAux = 247;
    public const byte Idle = 248;
    public const byte Frequency = 249;
    public const byte Aux = 250;
    public const byte ResizeDb = 251;
    public const byte ExpireTimeMilliseconds = 252;
    public const byte ExpireTimeSeconds = 253;
    public const byte SelectDb = 254;
    public const byte Eof = 255;

    /// <summary>The RDB version Redis 7.0 writes (in files and DUMP payloads).</summary>
    public const int Redis70Version = 10;

    /// <summary>
    /// The newest version RESTORE and the file loader accept: 11 (Redis 7.2) only adds the listpack set encoding, which
    /// Cairn reads. Redis 7.0 itself refuses 11; Cairn keeps sets the 7.2 way, so it takes them.
    /// </summary>
    public const int MaxReadableVersion = 11;
}
