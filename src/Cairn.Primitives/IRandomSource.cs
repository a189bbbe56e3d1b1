namespace Cairn.Primitives;

/// <summary>The only source of randomness pure cores may use, so that a seed replays a run exactly.</summary>
public interface IRandomSource
{
    ulong NextUInt64();

    /// <summary>Uniform in [0, maxExclusive). REQUIRES maxExclusive &gt; 0.</summary>
    int NextInt(int maxExclusive);

    double NextDouble();
}
