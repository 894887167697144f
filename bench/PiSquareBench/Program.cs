using IotSquares.Bench;

return await BenchCommand.InvokeAsync(args);
