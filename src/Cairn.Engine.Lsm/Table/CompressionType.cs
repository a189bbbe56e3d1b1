namespace Cairn.Engine.Lsm.Table;

/// <summary>How a table block's payload is compressed; stored in each block's trailer. Durable: values are frozen.</summary>
public enum CompressionType : byte
{
    None = 0,

    /// <summary>LZ4 block format, payload prefixed by the uncompressed length as a varint.</summary>
    Lz4 = 1,
}
