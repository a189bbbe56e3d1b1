namespace Cairn.Engine.Lsm.Cache;

/// <summary>A block's identity: its table's file number and its offset in that file. File numbers are never reused.</summary>
internal readonly record struct BlockCacheKey(ulong FileNumber, ulong Offset);
