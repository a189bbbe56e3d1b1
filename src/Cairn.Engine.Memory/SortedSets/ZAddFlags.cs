namespace Cairn.Engine.Memory.SortedSets;

/// <summary>ZADD's conditions (Redis's ZADD_IN_*).</summary>
[Flags]
public enum ZAddFlags
{
    None = 0,

    /// <summary>Only add new members.</summary>
    Nx = 1,

    /// <summary>Only update existing members.</summary>
    Xx = 2,

    /// <summary>Update only when the new score is greater.</summary>
    Gt = 4,

    /// <summary>Update only when the new score is less.</summary>
    Lt = 8,

    /// <summary>The score is an increment of the current one.</summary>
    Incr = 16,
}
