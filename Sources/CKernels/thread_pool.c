// A minimal fork-join pool for the library's parallel loops (see ck_parallel_for in CKernels.h).
//
// Why hand-written: libdispatch's concurrentPerform parks its threads between calls, and waking
// one costs 15-20 us here; a forward pass runs hundreds of short parallel loops. This pool keeps
// its workers spinning for a short while after each loop (as OpenMP runtimes do), then sleeps.
#define _GNU_SOURCE  // sched_getaffinity, CPU_COUNT
#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 255
#define SPIN_NANOSECONDS 200000  // how long an idle worker polls before it sleeps

static struct {
  long workers;                 // threads besides the caller
  atomic_flag busy;             // held by the thread running a loop
  atomic_long generation;       // bumped once per loop
  ck_task task;                 // the current loop (written before generation is bumped)
  void *context;
  long count;
  atomic_long next;             // next index to claim
  atomic_long finished_workers; // workers done with the current generation
  pthread_mutex_t lock;
  pthread_cond_t wake;
  long sleepers;                // guarded by lock
  atomic_int caller_sleeping;   // the caller waits on `done` for the last worker
  pthread_cond_t done;
} pool = {.busy = ATOMIC_FLAG_INIT, .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void run_items(ck_task task, void *context, long count) {
  for (;;) {
    long i = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed);
    if (i >= count) return;
    task(context, i);
  }
}

static void *worker_main(void *unused) {
  (void)unused;
  long seen = 0;
  for (;;) {
    // Wait for a new generation: spin first, then sleep on the condition variable.
    long gen = atomic_load_explicit(&pool.generation, memory_order_acquire);
    if (gen == seen) {
      long deadline = now_ns() + SPIN_NANOSECONDS;
      for (int spins = 0; gen == seen; spins++) {
        cpu_relax();
        gen = atomic_load_explicit(&pool.generation, memory_order_acquire);
        if ((spins & 255) == 255 && gen == seen && now_ns() > deadline) {
          pthread_mutex_lock(&pool.lock);
          pool.sleepers++;
          while ((gen = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen)
            pthread_cond_wait(&pool.wake, &pool.lock);
          pool.sleepers--;
          pthread_mutex_unlock(&pool.lock);
        }
      }
    }
    seen = gen;
    run_items(pool.task, pool.context, pool.count);
    // Sequentially consistent with the caller's store of caller_sleeping and load of
    // finished_workers, so one of the two sees the other (no lost wake-up).
    if (atomic_fetch_add(&pool.finished_workers, 1) + 1 == pool.workers && atomic_load(&pool.caller_sleeping)) {
      pthread_mutex_lock(&pool.lock);
      pthread_cond_signal(&pool.done);
      pthread_mutex_unlock(&pool.lock);
    }
  }
  return NULL;
}

// A forked child has none of the parent's threads: it runs every loop on its own.
static void after_fork_in_child(void) { pool.workers = 0; }

static void start_pool(void) {
  pthread_atfork(NULL, NULL, after_fork_in_child);
  // The CPUs this process may run on, not the machine's: a Slurm task or a container pinned to
  // some cores would otherwise start a worker per machine core, and the caller's spin-wait for
  // workers sharing its core costs a scheduler time slice per loop.
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) cores = CPU_COUNT(&allowed);
  long workers = cores > 1 ? cores - 1 : 0;
  if (workers > MAX_WORKERS) workers = MAX_WORKERS;
  long started = 0;
  for (; started < workers; started++) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attr, worker_main, NULL);
    pthread_attr_destroy(&attr);
    if (failed) break;  // run with the threads we could start
  }
  pool.workers = started;
}

long ck_parallel_width(void) {
  pthread_once(&pool_once, start_pool);
  return pool.workers + 1;
}

void ck_parallel_for(long count, ck_task task, void *context) {
  if (count <= 0) return;
  pthread_once(&pool_once, start_pool);
  if (count == 1 || pool.workers == 0 || atomic_flag_test_and_set_explicit(&pool.busy, memory_order_acquire)) {
    for (long i = 0; i < count; i++) task(context, i);
    return;
  }
  pool.task = task;
  pool.context = context;
  pool.count = count;
  atomic_store_explicit(&pool.next, 0, memory_order_relaxed);
  atomic_store_explicit(&pool.finished_workers, 0, memory_order_relaxed);
  atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
  pthread_mutex_lock(&pool.lock);
  if (pool.sleepers > 0) pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  run_items(task, context, count);
  // Every worker must be done with this loop before its fields can be reused by the next one.
  // Spin briefly (the usual wait is a worker finishing its last item), then sleep: a worker that
  // lost its core to another process can take the caller's core instead of watching it spin.
  long deadline = 0;
  for (int spins = 0; atomic_load_explicit(&pool.finished_workers, memory_order_acquire) < pool.workers; spins++) {
    cpu_relax();
    if ((spins & 255) != 255) continue;
    if (deadline == 0) deadline = now_ns() + SPIN_NANOSECONDS;
    else if (now_ns() > deadline) {
      pthread_mutex_lock(&pool.lock);
      atomic_store(&pool.caller_sleeping, 1);
      while (atomic_load(&pool.finished_workers) < pool.workers) pthread_cond_wait(&pool.done, &pool.lock);
      atomic_store(&pool.caller_sleeping, 0);
      pthread_mutex_unlock(&pool.lock);
    }
  }
  atomic_flag_clear_explicit(&pool.busy, memory_order_release);
}
