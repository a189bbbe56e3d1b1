namespace Cairn.Engine.Memory.SortedSets;

/// <summary>A score interval as ZRANGEBYSCORE takes it: "(" makes an end exclusive.</summary>
public readonly record struct ScoreRange(double Min, bool MinExclusive, double Max, bool MaxExclusive)
{
    /// <summary>True while a score lies before the interval's start (the prefix a range query skips).</summary>
    public bool IsBelowMin(double score) => MinExclusive ? score <= Min : score < Min;

    /// <summary>True while a score has not passed the interval's end.</summary>
    public bool IsAtMostMax(double score) => MaxExclusive ? score < Max : score <= Max;
}
