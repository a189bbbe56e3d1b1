namespace Cairn.Engine.Memory.SortedSets;

/// <summary>What one ZADD element did (Redis's ZADD_OUT_*).</summary>
public enum ZAddResult
{
    /// <summary>A new member.</summary>
    Added,

    /// <summary>An existing member got a different score.</summary>
    Updated,

    /// <summary>An existing member kept its score (the element still counts as processed).</summary>
    Unchanged,

    /// <summary>NX, XX, GT or LT ruled the element out.</summary>
    Skipped,

    /// <summary>The resulting score would be NaN (e.g. +inf incremented by -inf); nothing changed.</summary>
    NotANumber,
}
