namespace IotSquares.Deploy.Tests.Support;

/// <summary>Assertions on the recorded remote tool calls.</summary>
public static class CallLog
{
    /// <summary>Each expected call appears, in this order (other calls may come between them).</summary>
    public static void AssertInOrder(IReadOnlyList<string> calls, params string[] expected)
    {
        int next = 0;
        foreach (string call in expected)
        {
            int found = -1;
            for (int i = next; i < calls.Count; i++)
            {
                if (calls[i] == call)
                {
                    found = i;
                    break;
                }
            }

            Assert.True(found >= 0, $"expected \"{call}\" after call {next} in:\n{string.Join('\n', calls)}");
            next = found + 1;
        }
    }

    public static void AssertNone(IReadOnlyList<string> calls, Func<string, bool> unwanted, string what) =>
        Assert.True(!calls.Any(unwanted), $"expected no {what} in:\n{string.Join('\n', calls)}");
}
