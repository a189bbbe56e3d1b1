namespace Cairn.TimeSeries.Arguments;

/// <summary>Which labels multi-series replies carry: none (default), WITHLABELS, or SELECTED_LABELS l1 l2 ...</summary>
public sealed record LabelSelection(bool WithLabels, IReadOnlyList<string>? SelectedLabels)
{
    public static LabelSelection None { get; } = new(false, null);
}
