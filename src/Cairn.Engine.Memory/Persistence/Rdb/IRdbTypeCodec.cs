using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// The RDB encoding of a data type that is not built into <see cref="RdbValueWriter"/>/<see cref="RdbValueReader"/>
/// (streams, module-like types), registered through <see cref="RdbCodecs"/> by the type's own folder.
/// </summary>
public interface IRdbTypeCodec
{
    DataType Type { get; }

    /// <summary>The RDB type bytes <see cref="Read"/> understands (e.g. 15, 19, 21 for streams).</summary>
    IReadOnlyList<byte> RdbTypes { get; }

    /// <summary>Writes the RDB type byte and the value's encoding.</summary>
    void Write(DataObject value, RdbOutput output);

    /// <summary>Reads a value of <paramref name="rdbType"/>; null when it holds no elements (Redis skips empty keys).</summary>
    DataObject? Read(byte rdbType, RdbInput input);
}
