using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Cairn.Primitives;

/// <summary>Assertions that stay on in Release: a broken invariant is a bug, and continuing would corrupt state.</summary>
public static class Invariant
{
    public static void Require([DoesNotReturnIf(false)] bool condition, string message,
        [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            Fail(message, expression);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Fail(string message, string? expression = null) =>
        throw new InvariantViolationException(expression is null ? message : $"{message} ({expression})");
}
