namespace Cairn.Engine.Lsm.RangeDeletes;

/// <summary>Deletes, as of <see cref="Sequence"/>, every key in [<see cref="Start"/>, <see cref="End"/>) written before it.</summary>
internal readonly record struct RangeTombstone(byte[] Start, byte[] End, ulong Sequence);
