// Loaded with `--import` by the crash test: on SIGUSR2 the process throws outside any handler, as a latent bug would.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('a latent bug (thrown on purpose by the crash test)');
  });
});
