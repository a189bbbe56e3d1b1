namespace Cairn.Engine.Lsm;

/// <summary>Hard limits, so that no input can make a buffer or a record grow without bound.</summary>
public static class LsmLimits
{
    public const int MaxKeyBytes = 64 * 1024;

    public const int MaxValueBytes = 64 * 1024 * 1024;
}
