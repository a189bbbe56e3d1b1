namespace Cairn.Engine.Lsm.Wal;

/// <summary>Physical record types of the log. Durable: values are frozen.</summary>
internal enum RecordType : byte
{
    /// <summary>Zero bytes: preallocated or padding space, never written as a record.</summary>
    Zero = 0,
    Full = 1,
    First = 2,
    Middle = 3,
    Last = 4,

    /// <summary>The first record of every log file: magic (8 bytes) then format version (uint32 little-endian).</summary>
    FileHeader = 5,
}
