namespace Cairn.Engine.Lsm.Keys;

/// <summary>The kind of an entry, stored in the low byte of every internal key's trailer. Durable: values are frozen.</summary>
internal enum EntryType : byte
{
    Deletion = 0,
    Value = 1,
    RangeDeletion = 2,

    /// <summary>A value that expires: the stored value starts with the expiry time (uint64 LE, Unix milliseconds).</summary>
    ValueWithExpiry = 3,
}
