namespace Cairn.Commands.Strings;

/// <summary>Options of SET and GETEX (Redis's OBJ_SET_* / OBJ_EX... flags).</summary>
[Flags]
internal enum SetFlags
{
    None = 0,
    Nx = 1 << 0,
    Xx = 1 << 1,
    Get = 1 << 2,
    KeepTtl = 1 << 3,
    Persist = 1 << 4,
    Ex = 1 << 5,
    Px = 1 << 6,
    ExAt = 1 << 7,
    PxAt = 1 << 8,
    AnyExpire = Ex | Px | ExAt | PxAt,
}
