//! How the fake keeps up as its state grows: a school's term set up through the client, 200
//! class notebooks of 30 students each (6,000 students in the tenant), created one after the
//! other. Prints the time of each block of 50 creates and the whole run, so a create that
//! slows with the state shows as rising block times.
//!
//! `cargo bench -p onenote-fake --bench class_setup` (release);
//! `cargo bench -p onenote-fake --bench class_setup -- --classes 50 --students 10` for fewer.

use std::time::Instant;

use onenote_api::{CreateClassNotebook, Principal, PrincipalType};
use onenote_fake::{FakeOneNote, Tenant, User};

const TEACHER: &str = "teacher@school.example";

fn main() {
    let mut classes = 200usize;
    let mut students_per_class = 30usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--classes" => classes = args.next().and_then(|n| n.parse().ok()).unwrap_or(classes),
            "--students" => {
                students_per_class = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(students_per_class);
            }
            // `cargo bench` passes `--bench`; anything else is ignored too.
            _ => {}
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(classes, students_per_class));
}

async fn run(classes: usize, per_class: usize) {
    let mut tenant = Tenant::new("school.example").user(User::new(TEACHER, "Teacher"));
    for i in 0..classes * per_class {
        tenant = tenant.user(User::new(
            format!("student{i}@school.example"),
            format!("Student {i}"),
        ));
    }
    let fake = FakeOneNote::builder()
        .tenant(tenant)
        .max_entities(usize::MAX)
        .start()
        .await
        .expect("the fake starts");
    // Without pacing: 200 creates must not wait for OneNote's per-minute limit.
    let client = fake
        .client_builder_for(TEACHER)
        .pacing(onenote_api::Pacing::off())
        .build()
        .expect("a client");
    let started = Instant::now();
    let mut block = Instant::now();
    for class in 0..classes {
        let students = (0..per_class)
            .map(|s| {
                Principal::new(
                    format!("student{}@school.example", class * per_class + s),
                    PrincipalType::Person,
                )
            })
            .collect();
        let body = CreateClassNotebook::new(format!("Class {class}"))
            .with_student_sections(vec!["Homework".to_owned(), "Quizzes".to_owned()])
            .with_teachers(vec![Principal::new(TEACHER, PrincipalType::Person)])
            .with_students(students);
        client
            .me()
            .class_notebooks()
            .create(body)
            .send()
            .await
            .expect("the class notebook is created");
        if (class + 1) % 50 == 0 {
            println!(
                "creates {:>3}-{:>3}: {:>8.1} ms",
                class + 1 - 50,
                class + 1,
                block.elapsed().as_secs_f64() * 1000.0
            );
            block = Instant::now();
        }
    }
    println!(
        "{classes} class notebooks x {per_class} students: {:.1} ms in all, {} entities",
        started.elapsed().as_secs_f64() * 1000.0,
        fake.state().sections().count() + fake.state().section_groups().count()
    );
}
