using System.Text;
using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Arguments;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Query;

/// <summary>
/// GROUPBY label REDUCE reducer: series with the same value of the label form a group named "label=value"; the group's
/// samples are, per timestamp, the reducer over the member series' samples at that timestamp. Series without the label
/// are left out. Groups come in ordinal order of the value; the reply labels are label, __reducer__ and __source__ (the
/// member keys joined by commas), as RedisTimeSeries reports them.
/// </summary>
internal static class GroupReducer
{
    public static List<SeriesResult> Reduce(
        List<TimeSeriesData> series,
        MultiRangeArguments arguments,
        bool reverse,
        Func<TimeSeriesData, List<Sample>> rangeOf)
    {
        GroupByOptions groupBy = arguments.GroupBy!;
        var groups = new SortedDictionary<string, List<TimeSeriesData>>(StringComparer.Ordinal);
        foreach (TimeSeriesData item in series)
        {
            string? value = null;
            foreach (Label label in item.Labels)
            {
                if (label.Name == groupBy.Label)
                {
                    value = label.Value;
                    break;
                }
            }
            if (value is null)
            {
                continue;
            }
            if (!groups.TryGetValue(value, out var members))
            {
                members = [];
                groups[value] = members;
            }
            members.Add(item);
        }
        var results = new List<SeriesResult>(groups.Count);
        foreach (var (value, members) in groups)
        {
            var merged = new List<Sample>();
            var sources = new StringBuilder();
            var sourceKeys = new List<byte[]>(members.Count);
            foreach (TimeSeriesData member in members)
            {
                merged.AddRange(rangeOf(member));
                if (sources.Length > 0)
                {
                    sources.Append(',');
                }
                sources.Append(Encoding.UTF8.GetString(member.Key));
                sourceKeys.Add(member.Key);
            }
            // Stable sort keeps member order within a timestamp, which first/last reducers depend on.
            Sample[] ordered = [.. merged];
            var positions = new int[ordered.Length];
            for (int i = 0; i < positions.Length; i++)
            {
                positions[i] = i;
            }
            Array.Sort(positions, (left, right) =>
            {
                int byTime = ordered[left].Timestamp.CompareTo(ordered[right].Timestamp);
                return byTime != 0 ? byTime : left.CompareTo(right);
            });
            var reduced = new List<Sample>();
            var aggregator = new Aggregator(groupBy.Reducer);
            int index = 0;
            while (index < positions.Length)
            {
                long timestamp = ordered[positions[index]].Timestamp;
                aggregator.Reset();
                while (index < positions.Length && ordered[positions[index]].Timestamp == timestamp)
                {
                    aggregator.Add(timestamp, ordered[positions[index]].Value);
                    index++;
                }
                reduced.Add(new Sample(timestamp, aggregator.Result(timestamp, timestamp + 1, null, null)));
            }
            if (reverse)
            {
                reduced.Reverse();
            }
            if (arguments.Options.Count is { } count && reduced.Count > count)
            {
                reduced.RemoveRange((int)count, reduced.Count - (int)count);
            }
            var labels = new List<KeyValuePair<string, string?>>();
            if (arguments.Labels.WithLabels || arguments.Labels.SelectedLabels is not null)
            {
                labels.Add(new(groupBy.Label, value));
                labels.Add(new("__reducer__", AggregationNames.ToLowerName(groupBy.Reducer)));
                labels.Add(new("__source__", sources.ToString()));
            }
            results.Add(new SeriesResult(Encoding.UTF8.GetBytes(groupBy.Label + "=" + value), labels, reduced,
                AggregationNames.ToLowerName(groupBy.Reducer), sourceKeys));
        }
        return results;
    }
}
