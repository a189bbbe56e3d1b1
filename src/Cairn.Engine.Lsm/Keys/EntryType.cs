namespace Cairn.Engine.Lsm.Keys;

/// <summary>The kind of an entry, stored in the low byte of every internal key's trailer. Durable: values are frozen.</summary>
internal enum EntryType : byte
{
    Deletion = 0,
    Value = 1,
    RangeDeletion = 2,
}
