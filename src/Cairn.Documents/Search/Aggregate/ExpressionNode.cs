namespace Cairn.Documents.Search.Aggregate;

/// <summary>A node of an APPLY/FILTER expression: literal, @field, unary/binary operator or function call.</summary>
public sealed class ExpressionNode
{
    public required char Kind { get; init; } // 'n' number, 's' string, 'f' field, 'u' unary, 'b' binary, 'c' call

    public double Number { get; init; }

    public string Text { get; init; } = "";

    public string Operator { get; init; } = "";

    public IReadOnlyList<ExpressionNode> Arguments { get; init; } = [];
}
