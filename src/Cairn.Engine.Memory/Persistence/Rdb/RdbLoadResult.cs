namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>What loading a Redis RDB file did: keys loaded, and function libraries skipped (Cairn has no functions).</summary>
public readonly record struct RdbLoadResult(long Keys, int SkippedFunctions);
